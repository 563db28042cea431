//! The benchmark chart: one panel per metric, a bar per init (pidone first), drawn with plotters' SVG
//! backend. Metrics that are zero for every init (zombies left) are left to the table.

use crate::cmd::Result;
use plotters::prelude::*;
use std::path::Path;

/// `metrics`: (title, one median per init, in `names` order).
pub fn draw(path: &Path, names: Vec<&str>, metrics: Vec<(String, Vec<f64>)>) -> Result<()> {
    let metrics: Vec<_> = metrics.into_iter().filter(|(_, values)| values.iter().any(|&v| v != 0.0)).collect();
    let rows = metrics.len().div_ceil(2);
    let area = SVGBackend::new(path, (1200, 260 * rows as u32)).into_drawing_area();
    let fail = |e: &dyn std::fmt::Display| format!("chart: {e}");
    area.fill(&WHITE).map_err(|e| fail(&e))?;
    for (panel, (title, values)) in area.split_evenly((rows, 2)).iter().zip(&metrics) {
        let top = values.iter().copied().filter(|v| v.is_finite()).fold(0f64, f64::max) * 1.15;
        let mut chart = ChartBuilder::on(panel)
            .caption(title, ("sans-serif", 15))
            .margin(10)
            .x_label_area_size(24)
            .y_label_area_size(70)
            .build_cartesian_2d((0..values.len() - 1).into_segmented(), 0.0..top.max(1e-9))
            .map_err(|e| fail(&e))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(i) => names.get(*i).copied().unwrap_or_default().to_owned(),
                _ => String::new(),
            })
            .y_label_formatter(&|y| format!("{y:.*}", if top >= 10.0 { 0 } else { 2 }))
            .draw()
            .map_err(|e| fail(&e))?;
        chart
            .draw_series(values.iter().enumerate().filter(|(_, v)| v.is_finite()).map(|(i, &v)| {
                let color = if i == 0 { RGBColor(31, 119, 180) } else { RGBColor(170, 170, 170) };
                let end = if i + 1 < values.len() { SegmentValue::Exact(i + 1) } else { SegmentValue::Last };
                Rectangle::new([(SegmentValue::Exact(i), 0.0), (end, v)], color.filled())
            }))
            .map_err(|e| fail(&e))?;
    }
    area.present().map_err(|e| fail(&e))
}
