//! Page setup for printing: paper, orientation, print titles and a print scale that is never
//! below a readable size. A sheet is shrunk to the paper's width only when that keeps it at
//! 70% or more; a wider sheet prints across pages at 100%, its title rows and columns repeated
//! on every page. Knows rust_xlsxwriter's page setup only; no words.

use rust_xlsxwriter::{Worksheet, XlsxError};

/// The smallest print scale a sheet is shrunk to (percent); below it, text is too small to read.
pub(super) const MIN_READABLE_SCALE: u16 = 70;

/// Paper sizes (the codes of the xlsx `paperSize` attribute) with their size in millimetres.
#[derive(Clone, Copy, Debug)]
pub(super) enum Paper {
    A4,
    A3,
}

impl Paper {
    fn code(self) -> u8 {
        match self {
            Paper::A4 => 9,
            Paper::A3 => 8,
        }
    }

    /// (short side, long side) in millimetres.
    fn size_mm(self) -> (f64, f64) {
        match self {
            Paper::A4 => (210.0, 297.0),
            Paper::A3 => (297.0, 420.0),
        }
    }
}

/// rust_xlsxwriter's default left and right margins (0.7 inch each), which we keep.
const SIDE_MARGINS_MM: f64 = 2.0 * 0.7 * 25.4;

/// A column's printed width in millimetres, from its width in characters: Excel's rule for the
/// default font (Calibri 11: 7 pixels a character plus 5 of padding) at 96 pixels an inch.
fn column_mm(width: f64) -> f64 {
    let pixels = if width < 1.0 {
        width * 12.0
    } else {
        width * 7.0 + 5.0
    };
    pixels * 25.4 / 96.0
}

/// The print scale (percent) at which columns of these widths fit the paper's printable width:
/// 100 when they fit as they are, the largest whole percent ≥ [`MIN_READABLE_SCALE`] that
/// fits, else 100 (the sheet then prints across pages, its title columns repeated).
pub(super) fn readable_scale(widths: &[f64], paper: Paper, landscape: bool) -> u16 {
    let (short, long) = paper.size_mm();
    let printable = if landscape { long } else { short } - SIDE_MARGINS_MM;
    let needed = needed_mm(widths);
    if needed <= printable {
        return 100;
    }
    let fit = (printable / needed * 100.0).floor() as u16;
    if fit >= MIN_READABLE_SCALE {
        fit
    } else {
        100
    }
}

/// Whether columns of these widths print on the paper's width at a readable scale.
pub(super) fn fits_readably(widths: &[f64], paper: Paper, landscape: bool) -> bool {
    let (short, long) = paper.size_mm();
    let printable = if landscape { long } else { short } - SIDE_MARGINS_MM;
    needed_mm(widths) * f64::from(MIN_READABLE_SCALE) / 100.0 <= printable
}

fn needed_mm(widths: &[f64]) -> f64 {
    // LibreOffice measures a character by Carlito's digit (about 6% wider than Excel's 7
    // pixels of Calibri) and rounds differently: keep 10% in hand.
    widths.iter().map(|w| column_mm(*w)).sum::<f64>() * 1.10
}

/// How many rows of the default height (20 pixels) print on one page at `scale` percent.
pub(super) fn rows_per_page(paper: Paper, landscape: bool, scale: u16) -> u32 {
    let (short, long) = paper.size_mm();
    // Top and bottom margins of 0.75 inch each, as rust_xlsxwriter sets them.
    let printable = if landscape { short } else { long } - 2.0 * 0.75 * 25.4;
    let row_mm = 20.0 * 25.4 / 96.0 * f64::from(scale) / 100.0;
    // The footer, the title and header rows (taller than others): keep 15% in hand.
    (printable * 0.85 / row_mm).floor() as u32
}

/// Paper, orientation, a readable scale for these column widths, the page number in the footer,
/// and the rows and columns repeated on every printed page (print titles).
pub(super) fn setup(
    ws: &mut Worksheet,
    paper: Paper,
    landscape: bool,
    widths: &[f64],
    repeat_rows: Option<(u32, u32)>,
    repeat_columns: Option<(u16, u16)>,
) -> Result<(), XlsxError> {
    ws.set_paper_size(paper.code());
    if landscape {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_print_scale(readable_scale(widths, paper, landscape));
    if let Some((first, last)) = repeat_rows {
        ws.set_repeat_rows(first, last)?;
    }
    if let Some((first, last)) = repeat_columns {
        ws.set_repeat_columns(first, last)?;
    }
    ws.set_footer("&C&P / &N");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_sheets_print_at_full_size() {
        assert_eq!(
            readable_scale(&[10.0, 34.0, 9.0, 14.0], Paper::A4, false),
            100
        );
    }

    #[test]
    fn a_slightly_wide_sheet_is_shrunk_to_the_page_width() {
        // 150 characters ≈ 290 mm: A4 landscape prints 261 mm.
        let scale = readable_scale(&[15.0; 10], Paper::A4, true);
        assert!((MIN_READABLE_SCALE..100).contains(&scale), "{scale}");
        assert!(needed_mm(&[15.0; 10]) * f64::from(scale) / 100.0 <= 297.0 - SIDE_MARGINS_MM);
    }

    #[test]
    fn a_landscape_a3_page_holds_forty_rows_at_full_size() {
        assert_eq!(rows_per_page(Paper::A3, true, 100), 41);
        assert!(rows_per_page(Paper::A3, true, 77) > 50);
    }

    #[test]
    fn a_very_wide_sheet_is_never_shrunk_below_readable() {
        // 100 columns: fitting them on one page would print at a quarter size.
        assert_eq!(readable_scale(&[14.0; 100], Paper::A3, true), 100);
    }
}
