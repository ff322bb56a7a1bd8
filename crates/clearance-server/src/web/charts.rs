//! Charts drawn on the server as inline SVG (plotters' SVG backend into a string), so pages need
//! no script and print as they show.
//!
//! Every chart is a `<figure>`: the SVG (`role="img"`, named by its `<title>`), a caption, and
//! the same numbers as a table, for screen readers, for print, and for anyone who wants the
//! figures. The bars are one dark ink with their value written beside them (direct labels, no
//! colour key), so a chart reads the same in black and white. The Content-Security-Policy
//! forbids `style` attributes: plotters writes presentation attributes (`fill=`, `font-size=`),
//! and any `style="…"` that might appear is removed ([`without_style_attributes`]).

use maud::{Markup, PreEscaped, html};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One bar: a label and a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// What the bar counts.
    pub label: String,
    /// How many.
    pub value: u64,
}

impl Bar {
    /// A bar.
    pub fn new(label: impl Into<String>, value: u64) -> Bar {
        Bar {
            label: label.into(),
            value,
        }
    }
}

/// The width of every chart, in SVG units (it scales with the page).
const WIDTH: u32 = 640;
/// The height of one horizontal bar's row.
const ROW: i32 = 28;
/// The room for the labels of horizontal bars.
const LABEL_WIDTH: i32 = 230;
/// The room for the value written after a bar.
const VALUE_ROOM: i32 = 60;
/// The height of a column chart's plot.
const COLUMN_HEIGHT: i32 = 180;
/// The ink of bars and text.
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// The grey of axes.
const RULE: RGBColor = RGBColor(0x88, 0x88, 0x88);

fn text_style(size: f64, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", size).into_font())
        .color(&INK)
        .pos(Pos::new(h, v))
}

fn to_i32(value: f64) -> i32 {
    // Lengths are within the chart (a few hundred units): the conversion never saturates.
    #[expect(clippy::cast_possible_truncation, reason = "bounded by the chart size")]
    let rounded = value.round() as i32;
    rounded
}

fn ratio(value: u64, max: u64) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    let r = value as f64 / max.max(1) as f64;
    r
}

/// A horizontal bar chart: one labelled bar per value, its value written after it.
pub fn bar_chart(id: &str, title: &str, label_header: &str, bars: &[Bar]) -> Markup {
    figure(id, title, label_header, &horizontal_svg(bars), bars)
}

/// A column chart (for values over time): one column per value, labels below (thinned out when
/// they would overlap; the table beside it has them all).
pub fn column_chart(id: &str, title: &str, label_header: &str, bars: &[Bar]) -> Markup {
    figure(id, title, label_header, &vertical_svg(bars), bars)
}

fn horizontal_svg(bars: &[Bar]) -> String {
    let rows = i32::try_from(bars.len()).unwrap_or(i32::MAX / ROW).max(1);
    let height = u32::try_from(rows * ROW + 16).unwrap_or(u32::MAX);
    let max = bars.iter().map(|bar| bar.value).max().unwrap_or(0);
    let span = f64::from(i32::try_from(WIDTH).unwrap_or(640) - LABEL_WIDTH - VALUE_ROOM);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        let label = text_style(14.0, HPos::Right, VPos::Center);
        let value = text_style(14.0, HPos::Left, VPos::Center);
        let mut top = 8;
        for bar in bars {
            let middle = top + ROW / 2;
            let length = to_i32(ratio(bar.value, max) * span).max(1);
            // Drawing into a string cannot fail; a failure would only lose part of the picture,
            // and the table beside it still has the numbers.
            let _ = root.draw(&Text::new(
                bar.label.clone(),
                (LABEL_WIDTH - 8, middle),
                label.clone(),
            ));
            let _ = root.draw(&Rectangle::new(
                [
                    (LABEL_WIDTH, top + 5),
                    (LABEL_WIDTH + length, top + ROW - 5),
                ],
                INK.filled(),
            ));
            let _ = root.draw(&Text::new(
                bar.value.to_string(),
                (LABEL_WIDTH + length + 6, middle),
                value.clone(),
            ));
            top += ROW;
        }
        let _ = root.draw(&PathElement::new(
            vec![(LABEL_WIDTH, 6), (LABEL_WIDTH, top + 2)],
            RULE,
        ));
        let _ = root.present();
    }
    out
}

fn vertical_svg(bars: &[Bar]) -> String {
    let width = i32::try_from(WIDTH).unwrap_or(640);
    let left = 10;
    let plot = width - 2 * left;
    let count = i32::try_from(bars.len()).unwrap_or(i32::MAX).max(1);
    let slot = (plot / count).max(1);
    let top = 20;
    let bottom = top + COLUMN_HEIGHT;
    let height = u32::try_from(bottom + 30).unwrap_or(u32::MAX);
    let max = bars.iter().map(|bar| bar.value).max().unwrap_or(0);
    // A label needs about 44 units; show every `every`-th one.
    let every = usize::try_from((44 + slot - 1) / slot).unwrap_or(1).max(1);
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        let label = text_style(12.0, HPos::Center, VPos::Top);
        let value = text_style(12.0, HPos::Center, VPos::Bottom);
        let mut x = left;
        for (index, bar) in bars.iter().enumerate() {
            let length = to_i32(ratio(bar.value, max) * f64::from(COLUMN_HEIGHT)).max(1);
            let gap = (slot / 6).clamp(1, 8);
            let middle = x + slot / 2;
            let _ = root.draw(&Rectangle::new(
                [(x + gap, bottom - length), (x + slot - gap, bottom)],
                INK.filled(),
            ));
            if index % every == 0 {
                let _ = root.draw(&Text::new(
                    bar.label.clone(),
                    (middle, bottom + 6),
                    label.clone(),
                ));
                let _ = root.draw(&Text::new(
                    bar.value.to_string(),
                    (middle, bottom - length - 3),
                    value.clone(),
                ));
            }
            x += slot;
        }
        let _ = root.draw(&PathElement::new(
            vec![(left, bottom), (left + slot * count, bottom)],
            RULE,
        ));
        let _ = root.present();
    }
    out
}

/// The figure: the SVG named by its title, a caption, and the numbers as a table.
fn figure(id: &str, title: &str, label_header: &str, svg: &str, bars: &[Bar]) -> Markup {
    let title_id = format!("{id}-title");
    html! {
        figure.chart id=(id) {
            (accessible_svg(svg, &title_id, title))
            figcaption { (title) }
            table.chart-data {
                thead { tr { th scope="col" { (label_header) } th scope="col" { "Count" } } }
                tbody {
                    @for bar in bars {
                        tr { th scope="row" { (bar.label) } td { (bar.value) } }
                    }
                }
            }
        }
    }
}

/// Adds `role="img"`, a class and a `<title>` (named by `aria-labelledby`) to plotters' SVG,
/// and removes any `style` attribute.
fn accessible_svg(svg: &str, title_id: &str, title: &str) -> PreEscaped<String> {
    let svg = without_style_attributes(svg);
    let escaped_title = html! { (title) }.into_string();
    let escaped_id = html! { (title_id) }.into_string();
    let Some(start) = svg.find("<svg") else {
        return PreEscaped(String::new());
    };
    let Some(end) = svg[start..].find('>').map(|at| start + at) else {
        return PreEscaped(String::new());
    };
    let mut out = String::with_capacity(svg.len() + 200);
    out.push_str(&svg[start..end]);
    out.push_str(&format!(
        " role=\"img\" class=\"chart-svg\" aria-labelledby=\"{escaped_id}\" focusable=\"false\">"
    ));
    out.push_str(&format!(
        "<title id=\"{escaped_id}\">{escaped_title}</title>"
    ));
    out.push_str(&svg[end + 1..]);
    PreEscaped(out)
}

/// `svg` without any `style="…"` (or `style='…'`) attribute.
pub fn without_style_attributes(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find(" style=") {
        out.push_str(&rest[..at]);
        let after = &rest[at + " style=".len()..];
        let quote = after.chars().next();
        match quote {
            Some(q @ ('"' | '\'')) => match after[1..].find(q) {
                Some(close) => rest = &after[close + 2..],
                None => {
                    rest = "";
                }
            },
            _ => {
                out.push_str(" style=");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::{Bar, bar_chart, column_chart, without_style_attributes};

    fn bars() -> Vec<Bar> {
        vec![
            Bar::new("Notify", 3),
            Bar::new("Escalate", 0),
            Bar::new("Approval <needed>", 12),
            Bar::new("Blocked", 1),
        ]
    }

    #[test]
    fn a_bar_chart_has_one_bar_per_value_and_every_label() {
        let html = bar_chart("tiers", "Proposals by tier", "Tier", &bars()).into_string();
        assert_eq!(html.matches("<rect").count(), 4, "{html}");
        for label in ["Notify", "Escalate", "Approval &lt;needed&gt;", "Blocked"] {
            // In the SVG and in the table.
            assert!(html.matches(label).count() >= 2, "{label} in {html}");
        }
        for value in [">3<", ">0<", ">12<", ">1<"] {
            assert!(html.contains(value), "{value} in {html}");
        }
        assert!(html.contains(r#"role="img""#));
        assert!(html.contains(r#"aria-labelledby="tiers-title""#));
        assert!(html.contains(r#"<title id="tiers-title">Proposals by tier</title>"#));
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn the_longest_bar_is_the_largest_value() {
        let html = bar_chart("t", "T", "Tier", &bars()).into_string();
        let widths: Vec<i64> = html
            .split("<rect")
            .skip(1)
            .filter_map(|rect| {
                let at = rect.find("width=\"")? + 7;
                rect[at..].split('"').next()?.parse().ok()
            })
            .collect();
        assert_eq!(widths.len(), 4);
        let largest = widths.iter().copied().max();
        assert_eq!(widths.get(2).copied(), largest, "{widths:?}");
    }

    #[test]
    fn a_column_chart_has_one_column_per_value() {
        let weeks: Vec<Bar> = (0..30).map(|i| Bar::new(format!("W{i}"), i)).collect();
        let html = column_chart("weeks", "Uses per week", "Week", &weeks).into_string();
        assert_eq!(html.matches("<rect").count(), 30);
        // Every label is in the table even when the axis shows only some.
        for i in 0..30 {
            assert!(html.contains(&format!(">W{i}<")), "W{i}");
        }
        assert!(!html.contains("style="));
    }

    #[test]
    fn an_empty_chart_is_still_valid() {
        let html = bar_chart("e", "Nothing", "Tier", &[]).into_string();
        assert!(html.contains("<svg") && html.contains("</svg>"));
        assert_eq!(html.matches("<rect").count(), 0);
    }

    #[test]
    fn style_attributes_are_removed() {
        assert_eq!(
            without_style_attributes(r#"<text style="fill:red" x="1">a</text><g style='x'/>"#),
            r#"<text x="1">a</text><g/>"#
        );
        assert_eq!(without_style_attributes("<svg>"), "<svg>");
    }
}
