//! (Tests of these pages are being written.)
