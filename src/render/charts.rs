//! Charts: inline SVG drawn with plotters' SVG backend.
//!
//! plotters draws the frame (axes, grid, the numeric y labels); bars, x labels and
//! reference lines are added as our own SVG elements so each bar can carry a `<title>`
//! (hover text with the exact figure). Words and Chinese text stay in the HTML around
//! the chart, since plotters cannot measure CJK text without a font crate. Text drawn
//! in the sentinel colour becomes `currentColor`, so charts follow dark mode.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use plotters::prelude::*;

use super::format::escape;

/// One bar: its height and its hover text.
pub struct Bar {
    pub value: u32,
    pub title: String,
}

/// What to draw.
pub struct BarChart<'a> {
    /// Accessible name of the chart (also its `<title>`).
    pub label: &'a str,
    pub bars: &'a [Bar],
    /// Label under bar `i`, if any (keep them short and ASCII).
    pub x_labels: &'a dyn Fn(usize) -> Option<String>,
    /// A dashed reference line at this height, with its hover text.
    pub reference: Option<(f64, String)>,
    pub size: (u32, u32),
    /// CSS class of the bars' fill (colours live in the stylesheet).
    pub bar_class: &'a str,
    /// Summary of a folded list of every bar's figure under the chart (the text
    /// alternative for screen readers and for reading exact numbers); empty for none,
    /// when the page already shows the figures in a table.
    pub figures: &'a str,
}

const SENTINEL: RGBColor = RGBColor(1, 2, 3);
const GRID: RGBColor = RGBColor(136, 136, 136);

/// The frame plotters draws for a chart: everything but the bars, and the plotting
/// area in pixels. It depends only on the size, the bar count and the y range, so it
/// is drawn once per distinct frame and reused (a big speed-up for 10,000 clients).
#[derive(Clone)]
struct Frame {
    svg: Arc<str>,
    area: (f64, f64, f64, f64),
}

type FrameKey = ((u32, u32), usize, u32);

/// Frames already drawn in this build.
#[derive(Default)]
pub struct FrameCache(Mutex<BTreeMap<FrameKey, Frame>>);

fn frame(cache: &FrameCache, size: (u32, u32), n: usize, y_max: u32) -> Option<Frame> {
    let key = (size, n, y_max);
    if let Some(f) = cache.0.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Some(f);
    }
    let mut svg = String::new();
    let mut area = None;
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let built = ChartBuilder::on(&root)
            .margin_top(8)
            .margin_right(8)
            .x_label_area_size(22)
            .y_label_area_size(34)
            .build_cartesian_2d(0f64..n as f64, 0u32..y_max);
        if let Ok(mut chart) = built {
            let y_labels = usize::try_from(y_max).unwrap_or(5).min(5) + 1;
            let drawn = chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(0)
                .y_labels(y_labels)
                .y_label_formatter(&|v| v.to_string())
                .light_line_style(TRANSPARENT)
                .bold_line_style(GRID.mix(0.3))
                .axis_style(GRID)
                .label_style(("sans-serif", 13).into_font().color(&SENTINEL))
                .draw();
            if drawn.is_ok() {
                let (x0, y0) = chart.backend_coord(&(0.0, 0));
                let (x1, y1) = chart.backend_coord(&(n as f64, y_max));
                area = Some((f64::from(x0), f64::from(y0), f64::from(x1), f64::from(y1)));
            }
        }
        if root.present().is_err() {
            area = None;
        }
    }
    let f = Frame {
        svg: Arc::from(svg.replace("#010203", "currentColor")),
        area: area?,
    };
    if let Ok(mut m) = cache.0.lock() {
        m.insert(key, f.clone());
    }
    Some(f)
}

/// A number with one decimal, without the slow exact float formatting, written where
/// it is formatted (no string of its own: a chart has a hundred of them).
fn px(v: f64) -> Px {
    Px((v * 10.0).round() as i64)
}

/// A number in tenths, shown with one decimal (`px`).
#[derive(Clone, Copy)]
struct Px(i64);

impl std::fmt::Display for Px {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let t = self.0.unsigned_abs();
        write!(f, "{sign}{}.{}", t / 10, t % 10)
    }
}

pub fn bar_chart(cache: &FrameCache, c: &BarChart<'_>) -> String {
    let n = c.bars.len().max(1);
    let top = c
        .bars
        .iter()
        .map(|b| f64::from(b.value))
        .chain(c.reference.as_ref().map(|r| r.0).filter(|v| v.is_finite()))
        .fold(1.0_f64, f64::max)
        .min(f64::from(u32::MAX));
    let y_max = top.ceil().max(1.0) as u32;
    let Some(Frame {
        svg,
        area: (x0, y0, x1, y1),
    }) = frame(cache, c.size, n, y_max)
    else {
        return String::new();
    };
    let sx = (x1 - x0) / n as f64;
    let sy = (y0 - y1) / f64::from(y_max);
    let mut extra = String::with_capacity(c.bars.len() * 120);
    for (i, bar) in c.bars.iter().enumerate() {
        let h = f64::from(bar.value) * sy;
        let x = x0 + i as f64 * sx;
        let (class, rx, ry, rw, rh) = if bar.value > 0 {
            (c.bar_class, x + sx * 0.1, y0 - h, (sx * 0.8).max(1.0), h)
        } else {
            // An empty bar still answers hover, over the full column.
            ("hit", x, y1, sx, y0 - y1)
        };
        let _ = writeln!(
            extra,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>",
            px(rx),
            px(ry),
            px(rw),
            px(rh),
            escape(&bar.title)
        );
        if let Some(label) = (c.x_labels)(i) {
            let _ = writeln!(
                extra,
                "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                px(x + sx / 2.0),
                px(y0 + 16.0),
                escape(&label)
            );
        }
    }
    if let Some((value, title)) = c.reference.as_ref().filter(|r| r.0.is_finite()) {
        let y = px(y0 - value * sy);
        let _ = writeln!(
            extra,
            "<line class=\"reference\" x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"><title>{}</title></line>",
            px(x0),
            px(x1),
            escape(title)
        );
    }
    let mut out = finish(&svg, c.label, &extra);
    if !c.figures.is_empty() && !c.bars.is_empty() {
        out.push_str(&figures_list(
            c.figures,
            c.bars.iter().map(|b| b.title.as_str()),
        ));
    }
    out
}

/// `<details>` with every figure of a chart as a list: the chart's text alternative.
pub fn figures_list<'a>(summary: &str, items: impl Iterator<Item = &'a str>) -> String {
    let mut out = format!(
        "<details class=\"chart-data\"><summary>{}</summary><ul>",
        escape(summary)
    );
    for item in items {
        let _ = write!(out, "<li>{}</li>", escape(item));
    }
    out.push_str("</ul></details>\n");
    out
}

/// A scatter of points (x ≥ 0, y from 0 to 1, shown as %), each with its hover text and
/// a CSS class; axes and numbers by plotters, points as our own circles.
///
/// Points are clamped to x in [0, 10¹⁵] and y in [0, 1] (NaN: 0) first: plotters never
/// finishes laying out an axis that reaches infinity.
pub fn scatter(label: &str, points: &[(f64, f64, String, &str)], size: (u32, u32)) -> String {
    let clamp = |v: f64, hi: f64| if v.is_nan() { 0.0 } else { v.clamp(0.0, hi) };
    let points: Vec<(f64, f64, &String, &str)> = points
        .iter()
        .map(|(x, y, t, c)| (clamp(*x, 1e15), clamp(*y, 1.0), t, *c))
        .collect();
    let max_x = points.iter().map(|p| p.0).fold(1.0_f64, f64::max) * 1.08;
    let max_y = points.iter().map(|p| p.1).fold(0.1_f64, f64::max).min(1.0) * 1.1;
    let mut svg = String::new();
    let mut area = None;
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        let built = ChartBuilder::on(&root)
            .margin_top(8)
            .margin_right(16)
            .x_label_area_size(24)
            .y_label_area_size(40)
            .build_cartesian_2d(0f64..max_x, 0f64..max_y);
        if let Ok(mut chart) = built {
            let drawn = chart
                .configure_mesh()
                .x_labels(5)
                .y_labels(5)
                .x_label_formatter(&|v| short_number(*v))
                .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
                .light_line_style(TRANSPARENT)
                .bold_line_style(GRID.mix(0.3))
                .axis_style(GRID)
                .label_style(("sans-serif", 13).into_font().color(&SENTINEL))
                .draw();
            if drawn.is_ok() {
                let (x0, y0) = chart.backend_coord(&(0.0, 0.0));
                let (x1, y1) = chart.backend_coord(&(max_x, max_y));
                area = Some((f64::from(x0), f64::from(y0), f64::from(x1), f64::from(y1)));
            }
        }
        if root.present().is_err() {
            area = None;
        }
    }
    let Some((x0, y0, x1, y1)) = area else {
        return String::new();
    };
    let mut extra = String::new();
    for &(x, y, title, class) in &points {
        let cx = x0 + (x / max_x) * (x1 - x0);
        let cy = y0 - (y / max_y) * (y0 - y1);
        let _ = writeln!(
            extra,
            "<circle class=\"{}\" cx=\"{}\" cy=\"{}\" r=\"6\"><title>{}</title></circle>",
            escape(class),
            px(cx),
            px(cy),
            escape(title)
        );
    }
    finish(&svg.replace("#010203", "currentColor"), label, &extra)
}

/// `1200000` → `1.2M`, `45000` → `45k`.
fn short_number(v: f64) -> String {
    match v.abs() {
        a if a >= 1e8 => format!("{:.1}亿", v / 1e8),
        a if a >= 1e6 => format!("{:.1}M", v / 1e6),
        a if a >= 1e3 => format!("{:.0}k", v / 1e3),
        _ => format!("{v:.0}"),
    }
}

/// One horizontal bar split by share: a "mix" chart. Legend and figures go in HTML.
pub fn mix_bar(label: &str, parts: &[(String, u32, String)], size: (u32, u32)) -> String {
    let total: u32 = parts.iter().map(|p| p.1).sum();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        if root.present().is_err() {
            return String::new();
        }
    }
    let mut extra = String::new();
    let mut x = 0.0;
    let width = f64::from(size.0);
    for (class, value, title) in parts {
        if total == 0 || *value == 0 {
            continue;
        }
        let w = width * f64::from(*value) / f64::from(total);
        extra.push_str(&format!(
            "<rect class=\"{}\" x=\"{}\" y=\"0\" width=\"{}\" height=\"{}\"><title>{}</title></rect>\n",
            escape(class),
            px(x),
            px(w),
            size.1,
            escape(title)
        ));
        x += w;
    }
    finish(&svg, label, &extra)
}

/// Label the SVG for screen readers, add our elements, and let text follow the page
/// colour.
fn finish(svg: &str, label: &str, extra: &str) -> String {
    let label = escape(label);
    let Some(open_end) = svg.find('>') else {
        return String::new();
    };
    let close = svg.rfind("</svg>").unwrap_or(svg.len());
    let (head, rest) = svg.split_at(open_end);
    let body = rest.get(1..close.saturating_sub(open_end)).unwrap_or("");
    let head = head.replacen("<svg ", "<svg class=\"chart\" role=\"img\" ", 1);
    format!("{head} aria-label=\"{label}\">\n<title>{label}</title>\n{body}{extra}</svg>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_have_titles_and_labels() {
        let bars: Vec<Bar> = (0..4)
            .map(|i| Bar {
                value: i,
                title: format!("week {i}: {i} <contacts>"),
            })
            .collect();
        let svg = bar_chart(
            &FrameCache::default(),
            &BarChart {
                label: "Contacts & \"more\"",
                bars: &bars,
                x_labels: &|i| (i == 0).then(|| "W1".to_string()),
                reference: Some((1.5, "expected".into())),
                size: (400, 160),
                bar_class: "bar",
                figures: "",
            },
        );
        assert!(
            svg.starts_with("<svg class=\"chart\" role=\"img\""),
            "{svg}"
        );
        assert!(svg.contains("aria-label=\"Contacts &amp; &quot;more&quot;\""));
        assert!(svg.contains("<title>week 3: 3 &lt;contacts&gt;</title>"));
        assert!(svg.contains(">W1</text>"));
        assert!(svg.contains("class=\"reference\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(!svg.contains("#010203"));
        assert_eq!(svg.matches("<svg").count(), 1);
        assert!(
            !svg.contains("<details"),
            "no figures list when asked for none"
        );
        let with_list = bar_chart(
            &FrameCache::default(),
            &BarChart {
                figures: "Figures",
                ..BarChart {
                    label: "x",
                    bars: &bars,
                    x_labels: &|_| None,
                    reference: None,
                    size: (400, 160),
                    bar_class: "bar",
                    figures: "",
                }
            },
        );
        assert!(with_list.contains(
            "<details class=\"chart-data\"><summary>Figures</summary><ul><li>week 0: 0 &lt;contacts&gt;</li>"
        ));
        assert_eq!(with_list.matches("<li>").count(), 4);
    }

    #[test]
    fn scatter_points_have_titles() {
        let svg = scatter(
            "margin",
            &[(1_200_000.0, 0.3, "A: ¥1,200,000 · 30%".into(), "red")],
            (400, 240),
        );
        assert!(svg.contains("<circle class=\"red\""), "{svg}");
        assert!(svg.contains("<title>A: ¥1,200,000 · 30%</title>"));
        assert_eq!(short_number(1_250_000.0), "1.2M");
        assert_eq!(short_number(45_000.0), "45k");
    }

    #[test]
    fn absurd_points_do_not_hang() {
        // Before the clamp, an x of f64::MAX made plotters loop for ever.
        let points = [
            (f64::MAX, 0.5, "max".to_string(), "red"),
            (f64::INFINITY, f64::NAN, "infinite".to_string(), "red"),
            (f64::NAN, -3.0, "not a number".to_string(), "black"),
            (1e6, 2.0, "big margin".to_string(), "red"),
        ];
        let svg = scatter("m", &points, (400, 240));
        assert_eq!(svg.matches("<circle").count(), 4, "{svg}");
        assert!(
            !svg.contains("NaN") && !svg.contains(">inf<") && !svg.contains("\"inf"),
            "{svg}"
        );
    }

    #[test]
    fn one_decimal() {
        assert_eq!(px(12.34).to_string(), "12.3");
        assert_eq!(px(-0.05).to_string(), "-0.1");
        assert_eq!(px(7.0).to_string(), "7.0");
        assert_eq!(px(-12.0).to_string(), "-12.0");
        assert_eq!(px(0.04).to_string(), "0.0");
    }

    #[test]
    fn empty_mix_is_still_svg() {
        let svg = mix_bar("none", &[], (300, 20));
        assert!(svg.contains("<title>none</title>"));
    }
}
