//! The results of a goal as a picture (SPEC §12): baseline, target and the value each adopted monitor measured,
//! drawn on the server as SVG so it needs no script, with a title and description for screen readers. The page
//! shows the same numbers as a table beside it ([`Chart::rows`]), the text alternative.
//!
//! Pure: numbers in, markup out. Colours are presentation attributes, never `style=` (the pages' CSP forbids
//! inline style), and every text is escaped. The lines are told apart by their labels and dashes too, not by
//! colour alone.

use super::dutch;

/// What one result's chart shows.
pub struct ChartInput<'a> {
    /// Unique on the page: the chart's title and description get ids from it.
    pub id: &'a str,
    /// What is measured (the result's description or indicator), for the title.
    pub subject: &'a str,
    pub unit: Option<&'a str>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    /// Measured values, oldest first, each with its label (the monitor's year).
    pub measured: &'a [(String, f64)],
}

/// A rendered chart: the SVG markup, and the rows of its text alternative (label, value in Dutch).
pub struct Chart {
    pub svg: String,
    pub rows: Vec<(String, String)>,
}

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 112.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 44.0;
/// Dark enough for text and lines on white (at least 4.5:1).
const MEASURED_COLOUR: &str = "#01689b";
const TARGET_COLOUR: &str = "#1b5e20";
const BASELINE_COLOUR: &str = "#535353";
const AXIS_COLOUR: &str = "#333333";

/// Escapes text for an SVG (and HTML) element or attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn with_unit(value: f64, unit: Option<&str>) -> String {
    match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => format!("{} {u}", dutch::decimal(value)),
        None => dutch::decimal(value),
    }
}

/// The chart of one result, or `None` when there is no number to draw (no baseline, target or measurement).
pub fn chart(input: &ChartInput) -> Option<Chart> {
    let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
    let (baseline, target) = (finite(input.baseline), finite(input.target));
    let measured: Vec<&(String, f64)> = input.measured.iter().filter(|(_, v)| v.is_finite()).collect();
    let values: Vec<f64> = baseline.into_iter().chain(target).chain(measured.iter().map(|(_, v)| *v)).collect();
    if values.is_empty() {
        return None;
    }
    let unit = input.unit;
    let mut rows = Vec::new();
    if let Some(b) = baseline {
        rows.push(("Nulmeting".to_owned(), with_unit(b, unit)));
    }
    if let Some(t) = target {
        rows.push(("Streefwaarde".to_owned(), with_unit(t, unit)));
    }
    for (label, v) in &measured {
        rows.push((format!("Gemeten {label}"), with_unit(*v, unit)));
    }

    let (low, high, step) = scale(&values);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |v: f64| TOP + plot_h * (1.0 - (v - low) / (high - low));
    let x = |i: usize| match measured.len() {
        0 | 1 => LEFT + plot_w / 2.0,
        n => LEFT + plot_w * (i as f64) / ((n - 1) as f64),
    };
    let id = escape(input.id);
    let title = format!("Resultaten: {}", input.subject);
    let desc = rows.iter().map(|(l, v)| format!("{l}: {v}")).collect::<Vec<_>>().join("; ");

    let mut s = String::new();
    s.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"gc-chart\" role=\"img\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         width=\"{WIDTH}\" height=\"{HEIGHT}\" aria-labelledby=\"{id}-titel {id}-beschrijving\">"
    ));
    s.push_str(&format!("<title id=\"{id}-titel\">{}</title>", escape(&title)));
    s.push_str(&format!("<desc id=\"{id}-beschrijving\">{}</desc>", escape(&desc)));
    s.push_str("<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
    // The value axis: a labelled line at every step.
    let steps = ((high - low) / step).round() as i32;
    for i in 0..=steps {
        let v = low + step * f64::from(i);
        let yy = y(v);
        s.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#d0d0d0\" stroke-width=\"1\"/>",
            WIDTH - RIGHT
        ));
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"12\" fill=\"{AXIS_COLOUR}\">{}</text>",
            LEFT - 6.0,
            yy + 4.0,
            escape(&dutch::decimal((v / step).round() * step))
        ));
    }
    s.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{:.1}\" stroke=\"{AXIS_COLOUR}\" stroke-width=\"1\"/>",
        HEIGHT - BOTTOM
    ));
    s.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{b:.1}\" x2=\"{:.1}\" y2=\"{b:.1}\" stroke=\"{AXIS_COLOUR}\" stroke-width=\"1\"/>",
        WIDTH - RIGHT,
        b = HEIGHT - BOTTOM
    ));
    if let Some(u) = unit.map(str::trim).filter(|u| !u.is_empty()) {
        s.push_str(&format!(
            "<text x=\"4\" y=\"{:.1}\" font-size=\"12\" fill=\"{AXIS_COLOUR}\">{}</text>",
            TOP - 6.0,
            escape(u)
        ));
    }
    // Baseline and target: lines across, named at their right end.
    let mut reference = |v: f64, label: &str, colour: &str, dash: &str| {
        let yy = y(v);
        s.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>",
            WIDTH - RIGHT
        ));
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"{colour}\">{}</text>",
            WIDTH - RIGHT + 6.0,
            yy + 4.0,
            escape(label)
        ));
    };
    if let Some(b) = baseline {
        reference(b, "nulmeting", BASELINE_COLOUR, " stroke-dasharray=\"6 4\"");
    }
    if let Some(t) = target {
        reference(t, "streefwaarde", TARGET_COLOUR, " stroke-dasharray=\"2 3\"");
    }
    // The measurements: a line through points, each point labelled with its year below the axis.
    if measured.len() > 1 {
        let points: Vec<String> =
            measured.iter().enumerate().map(|(i, (_, v))| format!("{:.1},{:.1}", x(i), y(*v))).collect();
        s.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{MEASURED_COLOUR}\" stroke-width=\"2\"/>",
            points.join(" ")
        ));
    }
    for (i, (label, v)) in measured.iter().enumerate() {
        s.push_str(&format!("<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{MEASURED_COLOUR}\"/>", x(i), y(*v)));
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\" fill=\"{AXIS_COLOUR}\">{}</text>",
            x(i),
            HEIGHT - BOTTOM + 16.0,
            escape(label)
        ));
    }
    let legend = if measured.is_empty() { "nog geen meting" } else { "gemeten (per monitor)" };
    s.push_str(&format!(
        "<text x=\"{LEFT}\" y=\"{:.1}\" font-size=\"12\" fill=\"{MEASURED_COLOUR}\">● {legend}</text>",
        HEIGHT - 6.0
    ));
    s.push_str("</svg>");
    Some(Chart { svg: s, rows })
}

/// The value range of the axis and its step: round numbers around the values (1, 2, 2,5 or 5 times a power of
/// ten per step, four steps or so), from zero when the values are positive and that wastes little room.
fn scale(values: &[f64]) -> (f64, f64, f64) {
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = high - low;
    let (low, high) = if span <= f64::EPSILON * high.abs().max(1.0) {
        let room = (high.abs() * 0.1).max(1.0);
        (low - room, high + room)
    } else if low >= 0.0 && low <= span {
        (0.0, high)
    } else {
        // A little room below, so that a line at the lowest value is not drawn on the axis.
        (low - span * 0.05, high)
    };
    let rough = (high - low) / 4.0;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * power).find(|s| *s >= rough).unwrap_or(10.0 * power);
    let bottom = (low / step).floor() * step;
    let mut top = (high / step).ceil() * step;
    if top <= bottom {
        top = bottom + step;
    }
    (bottom, top, step)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(values: &[(&str, f64)]) -> Vec<(String, f64)> {
        values.iter().map(|(l, v)| ((*l).to_owned(), *v)).collect()
    }

    #[test]
    fn a_chart_shows_baseline_target_and_every_measurement_with_a_text_alternative() {
        let m = measured(&[("2027", 12.0), ("2028", 9.5)]);
        let input = ChartInput {
            id: "G1.R1",
            subject: "minder inbraken",
            unit: Some("per 1.000"),
            baseline: Some(14.0),
            target: Some(8.0),
            measured: &m,
        };
        let c = chart(&input).expect("a chart");
        assert!(c.svg.starts_with("<svg") && c.svg.ends_with("</svg>"));
        assert!(c.svg.contains("role=\"img\""));
        assert!(c.svg.contains("<title id=\"G1.R1-titel\">Resultaten: minder inbraken</title>"), "{}", c.svg);
        assert!(c.svg.contains("aria-labelledby=\"G1.R1-titel G1.R1-beschrijving\""));
        assert!(c.svg.contains("Gemeten 2028: 9,5 per 1.000"), "the description says the numbers: {}", c.svg);
        assert_eq!(c.svg.matches("<circle").count(), 2);
        assert!(c.svg.contains("<polyline"));
        assert!(c.svg.contains(">nulmeting<") && c.svg.contains(">streefwaarde<"));
        assert!(c.svg.contains(">2027<") && c.svg.contains(">2028<"));
        assert_eq!(
            c.rows,
            [
                ("Nulmeting".to_owned(), "14 per 1.000".to_owned()),
                ("Streefwaarde".into(), "8 per 1.000".into()),
                ("Gemeten 2027".into(), "12 per 1.000".into()),
                ("Gemeten 2028".into(), "9,5 per 1.000".into()),
            ]
        );
    }

    #[test]
    fn a_chart_has_no_inline_style_and_escapes_every_text() {
        let m = measured(&[("<2027>", 1.0)]);
        let input = ChartInput {
            id: "x\"y",
            subject: "<script>alert('x')</script> & meer",
            unit: Some("<b>"),
            baseline: None,
            target: None,
            measured: &m,
        };
        let svg = chart(&input).expect("a chart").svg;
        assert!(!svg.contains("style="), "{svg}");
        assert!(!svg.contains("<script") && !svg.contains("<b>") && !svg.contains("<2027>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; meer"), "{svg}");
        assert!(svg.contains("id=\"x&quot;y-titel\""), "{svg}");
    }

    #[test]
    fn a_result_without_any_number_has_no_chart() {
        let none = ChartInput { id: "a", subject: "s", unit: None, baseline: None, target: None, measured: &[] };
        assert!(chart(&none).is_none());
        let nan = measured(&[("2027", f64::NAN)]);
        let only_nan = ChartInput { measured: &nan, ..none };
        assert!(chart(&only_nan).is_none());
    }

    #[test]
    fn a_chart_of_baseline_and_target_alone_says_nothing_was_measured_yet() {
        let input =
            ChartInput { id: "a", subject: "s", unit: None, baseline: Some(3.0), target: Some(3.0), measured: &[] };
        let c = chart(&input).expect("a chart");
        assert!(c.svg.contains("nog geen meting"));
        assert!(!c.svg.contains("<circle"));
        assert!(!c.svg.contains("NaN") && !c.svg.contains("inf"), "equal values still get a range: {}", c.svg);
    }

    #[test]
    fn a_higher_value_is_drawn_higher() {
        let m = measured(&[("2027", 10.0), ("2028", 20.0)]);
        let input = ChartInput { id: "a", subject: "s", unit: None, baseline: None, target: None, measured: &m };
        let svg = chart(&input).expect("a chart").svg;
        let cy: Vec<f64> = svg
            .split("<circle")
            .skip(1)
            .map(|c| {
                let start = c.find("cy=\"").unwrap() + 4;
                c[start..start + c[start..].find('"').unwrap()].parse().unwrap()
            })
            .collect();
        assert!(cy[1] < cy[0], "SVG's y grows downwards: {cy:?}");
    }

    #[test]
    fn the_axis_runs_in_round_steps_from_zero_for_positive_values_close_to_it() {
        assert_eq!(scale(&[30.0, 35.0, 42.0]), (25.0, 45.0, 5.0));
        assert_eq!(scale(&[2.0, 10.0]), (0.0, 10.0, 2.5));
        assert_eq!(scale(&[0.0, 1.0, 3.0]), (0.0, 3.0, 1.0));
        let (low, high, step) = scale(&[1000.0, 1010.0]);
        assert!(low >= 990.0 && high <= 1015.0 && step <= 5.0, "no room wasted: {low} {high} {step}");
        assert!(scale(&[-5.0, 5.0]).0 <= -5.0);
        let (low, high, _) = scale(&[3.0, 3.0]);
        assert!(low < 3.0 && high > 3.0, "a single value gets a range");
    }
}
