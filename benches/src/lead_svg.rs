//! The picture of a worker's lead under injected stalls, as an SVG.

use std::fmt::Write as _;

/// An SVG of the lead (ms of output ready beyond the current block) over a
/// session, from its trace of (seconds, lead in ms, underruns so far) after
/// each block, marking underruns. `stall` describes the injected stalls.
pub fn lead_svg(trace: &[(f64, f64, u64)], latency_ms: f64, stall: &str) -> String {
    let (width, height, margin) = (860.0, 320.0, 50.0);
    let duration = trace.last().map_or(1.0, |t| t.0);
    let top = latency_ms * 1.2;
    let x = |t: f64| margin + t / duration * (width - 2.0 * margin);
    let y =
        |ms: f64| height - margin - (ms.clamp(-top * 0.25, top) + top * 0.25) / (top * 1.25) * (height - 2.0 * margin);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{margin}\" y=\"24\" font-size=\"14\">Worker lead under injected DSP stalls ({stall}); L = {latency_ms} ms, 256-frame blocks at 48 kHz</text>\n"
    );
    for (ms, label, color) in [(0.0, "0: output due", "#c00"), (latency_ms, "L", "#888")] {
        writeln!(
            svg,
            "<line x1=\"{margin}\" x2=\"{}\" y1=\"{1:.1}\" y2=\"{1:.1}\" stroke=\"{color}\" stroke-dasharray=\"4 3\"/>",
            width - margin,
            y(ms)
        )
        .unwrap();
        writeln!(svg, "<text x=\"{}\" y=\"{:.1}\" fill=\"{color}\">{label}</text>", width - margin + 4.0, y(ms) + 4.0)
            .unwrap();
    }
    let points: Vec<String> = trace.iter().map(|(t, lead, _)| format!("{:.1},{:.1}", x(*t), y(*lead))).collect();
    writeln!(svg, "<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\" points=\"{}\"/>", points.join(" "))
        .unwrap();
    let mut previous = 0;
    for (t, _, underruns) in trace {
        if *underruns > previous {
            writeln!(svg, "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#c00\"/>", x(*t), y(0.0)).unwrap();
            previous = *underruns;
        }
    }
    let underruns = trace.last().map_or(0, |t| t.2);
    writeln!(svg, "<text x=\"{margin}\" y=\"{}\">time (s), 0 to {duration:.1}; lead in ms of output ready beyond the current block; red dots: underruns ({underruns})</text>", height - 15.0).unwrap();
    svg.push_str("</svg>\n");
    svg
}
