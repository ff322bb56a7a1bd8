//! The HTTP routes, one module per area. Each module's `routes()` returns an `OpenApiRouter`, so
//! the OpenAPI document is generated from the handlers' annotations.

pub mod audit;
pub mod deliveries;
pub mod directory;
pub mod evaluate;
pub mod meta;
pub mod proposals;
pub mod registry;
