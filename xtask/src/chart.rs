//! The benchmark chart: one panel per metric, a bar per init (pidone first), drawn with plotters' SVG
//! backend.

use crate::Result;
use plotters::prelude::*;
use std::path::Path;

/// `metrics`: (title, one median per init, in `names` order).
pub fn draw(path: &Path, names: Vec<&str>, metrics: Vec<(String, Vec<f64>)>) -> Result<()> {
    let rows = metrics.len().div_ceil(2);
    let area = SVGBackend::new(path, (1200, 260 * rows as u32)).into_drawing_area();
    let fail = |e: &dyn std::fmt::Display| format!("chart: {e}");
    area.fill(&WHITE).map_err(|e| fail(&e))?;
    for (panel, (title, values)) in area.split_evenly((rows, 2)).iter().zip(&metrics) {
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((0f64, 0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let top = if hi > 0.0 { hi * 1.15 } else { 1.0 };
        let mut chart = ChartBuilder::on(panel)
            .caption(title, ("sans-serif", 15))
            .margin(10)
            .x_label_area_size(24)
            .y_label_area_size(70)
            .build_cartesian_2d((0..values.len()).into_segmented(), lo * 1.15..top)
            .map_err(|e| fail(&e))?;
        chart.configure_mesh().disable_x_mesh().max_light_lines(0)
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) => names.get(*i).copied().unwrap_or_default().to_owned(),
                _ => String::new(),
            })
            .draw().map_err(|e| fail(&e))?;
        chart.draw_series(values.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, &v)| {
            let color = if i == 0 { RGBColor(31, 119, 180) } else { RGBColor(170, 170, 170) };
            Rectangle::new([(SegmentValue::Exact(i), 0.0), (SegmentValue::Exact(i + 1), v)], color.filled())
        })).map_err(|e| fail(&e))?;
    }
    area.present().map_err(|e| fail(&e))
}
