//! Looking at a package before handing it to calamine, whose readers allocate a dense grid per
//! sheet and inflate zip parts unchecked: the zip directory (sizes, ratios, part count) and the
//! `.xls` record stream (sheet extents, encryption) are checked against the [`Limits`].

use std::io::{Cursor, Read};

use super::{Cap, DamagedPart, Limits, ReadError};

/// A zip package's declared sizes against the caps (a zip bomb is refused here).
pub fn check_zip(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ReadError::damaged(DamagedPart::Zip, e))?;
    if archive.len() > 10_000 {
        return Err(ReadError::OverCap(Cap::Parts(archive.len() as u64)));
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(i) else {
            return Err(ReadError::damaged(
                DamagedPart::Zip,
                "unreadable directory entry",
            ));
        };
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        total = total.saturating_add(size);
        if size > 1024 * 1024 && size / packed > limits.max_ratio {
            return Err(ReadError::OverCap(Cap::Inflation {
                ratio: size / packed,
                mb: size / (1024 * 1024),
            }));
        }
    }
    if total > limits.max_uncompressed_bytes() {
        return Err(ReadError::OverCap(Cap::Uncompressed(total / (1024 * 1024))));
    }
    Ok(())
}

/// An `.xls` file: refused when encrypted (FILEPASS) or when a sheet's extent (its DIMENSIONS
/// record or its cells) would make a dense grid over the cell cap.
pub fn check_xls(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| ReadError::damaged(DamagedPart::Ole2, e))?;
    if file.exists("/EncryptionInfo") || file.exists("/EncryptedPackage") {
        return Err(ReadError::Encrypted);
    }
    let name = ["/Workbook", "/Book", "/WORKBOOK", "/BOOK"]
        .into_iter()
        .find(|n| file.is_stream(n))
        .ok_or(ReadError::NotSpreadsheet(
            super::NotSheet::Ole2WithoutWorkbook,
        ))?;
    let mut stream = Vec::new();
    file.open_stream(name)
        .and_then(|mut s| s.read_to_end(&mut stream))
        .map_err(|e| ReadError::damaged(DamagedPart::Ole2, e))?;
    scan_biff(&stream, limits)
}

#[derive(Default)]
struct Extent {
    rows: (u32, u32),
    cols: (u32, u32),
    any: bool,
}

impl Extent {
    fn add(&mut self, row: u32, col: u32) {
        if self.any {
            self.rows = (self.rows.0.min(row), self.rows.1.max(row));
            self.cols = (self.cols.0.min(col), self.cols.1.max(col));
        } else {
            *self = Extent {
                rows: (row, row),
                cols: (col, col),
                any: true,
            };
        }
    }

    fn cells(&self) -> u64 {
        if !self.any {
            return 0;
        }
        (self.rows.1 - self.rows.0 + 1) as u64 * (self.cols.1 - self.cols.0 + 1) as u64
    }
}

fn u16_at(d: &[u8], i: usize) -> Option<u16> {
    d.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(d: &[u8], i: usize) -> Option<u32> {
    d.get(i..i + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The extent a sheet's records (from its BOF at `start` to its EOF) would give a dense grid.
fn sheet_extent(stream: &[u8], start: usize, limits: &Limits) -> Result<Extent, ReadError> {
    let mut pos = start;
    let mut extent = Extent::default();
    let mut first = true;
    while let (Some(kind), Some(len)) = (u16_at(stream, pos), u16_at(stream, pos + 2)) {
        let data = stream.get(pos + 4..pos + 4 + len as usize).unwrap_or(&[]);
        pos += 4 + len as usize;
        match kind {
            0x0809 if !first => break, // the next substream
            0x000A => break,           // EOF of this one
            0x002F => return Err(ReadError::Encrypted),
            // DIMENSIONS (BIFF8): first row, last row + 1, first col, last col + 1.
            0x0200 if data.len() >= 12 => {
                let (r0, r1) = (u32_at(data, 0).unwrap_or(0), u32_at(data, 4).unwrap_or(0));
                let (c0, c1) = (
                    u16_at(data, 8).unwrap_or(0) as u32,
                    u16_at(data, 10).unwrap_or(0) as u32,
                );
                if r1 > r0 && c1 > c0 {
                    extent.add(r0, c0);
                    extent.add(r1 - 1, c1 - 1);
                }
            }
            // Cell records: row and column in their first four bytes.
            0x0006 | 0x00BD | 0x00BE | 0x00FD | 0x0201 | 0x0203 | 0x0204 | 0x0205 | 0x027E => {
                if let (Some(r), Some(c)) = (u16_at(data, 0), u16_at(data, 2)) {
                    extent.add(r as u32, c as u32);
                    // MULRK and MULBLANK span to the column in their last two bytes.
                    if matches!(kind, 0x00BD | 0x00BE) && data.len() >= 6 {
                        if let Some(last) = u16_at(data, data.len() - 2) {
                            extent.add(r as u32, last as u32);
                        }
                    }
                }
            }
            _ => {}
        }
        first = false;
        if extent.cells() > limits.max_cells {
            break;
        }
    }
    Ok(extent)
}

/// Each sheet is scanned from where calamine will read it: the offsets its BOUNDSHEET records
/// give (a bogus record length earlier in the stream cannot make the guard lose step), and the
/// stream is also walked in order from its start.
fn scan_biff(stream: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let mut starts = Vec::new();
    let mut pos = 0;
    while let (Some(kind), Some(len)) = (u16_at(stream, pos), u16_at(stream, pos + 2)) {
        let data = stream.get(pos + 4..pos + 4 + len as usize).unwrap_or(&[]);
        match kind {
            0x002F => return Err(ReadError::Encrypted),
            0x0085 => starts.extend(u32_at(data, 0).map(|p| p as usize)),
            _ => {}
        }
        if kind == 0x0809 && pos > 0 {
            starts.push(pos); // a substream met walking in order
        }
        pos += 4 + len as usize;
    }
    starts.sort_unstable();
    starts.dedup();
    if starts.len() > limits.max_sheets {
        return Err(ReadError::OverCap(Cap::Sheets(limits.max_sheets as u64)));
    }
    for start in starts {
        let extent = sheet_extent(stream, start, limits)?;
        if extent.cells() > limits.max_cells {
            return Err(ReadError::OverCap(Cap::Cells(limits.max_cells)));
        }
    }
    Ok(())
}

/// An `.ods` file: the extent of each table, counting repeated rows and columns of cells that
/// hold something (calamine expands them into a dense grid).
pub fn check_ods(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    use quick_xml::events::Event;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ReadError::damaged(DamagedPart::Zip, e))?;
    let mut xml = String::new();
    archive
        .by_name("content.xml")
        .map_err(|e| ReadError::damaged(DamagedPart::Zip, e))?
        .read_to_string(&mut xml)
        .map_err(|e| ReadError::damaged(DamagedPart::Zip, e))?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let repeat = |e: &quick_xml::events::BytesStart, name: &str| -> u32 {
        e.attributes()
            .filter_map(Result::ok)
            .find(|a| a.key.as_ref() == name)
            .and_then(|a| a.value.as_ref().parse().ok())
            .unwrap_or(1)
    };
    let (mut row, mut col, mut row_repeat, mut tables) = (0u32, 0u32, 1u32, 0usize);
    let mut extent = Extent::default();
    loop {
        let (e, empty) = match reader.read_event() {
            Err(e) => {
                let part = DamagedPart::Xml {
                    at_byte: Some(reader.buffer_position()),
                };
                return Err(ReadError::damaged(part, e));
            }
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(e)) => {
                if e.name().as_ref() == "table:table-row" {
                    row = row.saturating_add(row_repeat);
                }
                continue;
            }
            _ => continue,
        };
        match e.name().as_ref() {
            "table:table" => {
                tables += 1;
                if tables > limits.max_sheets {
                    return Err(ReadError::OverCap(Cap::Sheets(limits.max_sheets as u64)));
                }
                (row, extent) = (0, Extent::default());
            }
            "table:table-row" => {
                row_repeat = repeat(&e, "table:number-rows-repeated").max(1);
                col = 0;
                if empty {
                    row = row.saturating_add(row_repeat);
                }
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let cols = repeat(&e, "table:number-columns-repeated").max(1);
                let has_value = e
                    .attributes()
                    .filter_map(Result::ok)
                    .any(|a| a.key.as_ref() == "office:value-type");
                if has_value || !empty {
                    extent.add(row, col);
                    extent.add(
                        row.saturating_add(row_repeat - 1),
                        col.saturating_add(cols - 1),
                    );
                }
                col = col.saturating_add(cols);
            }
            _ => {}
        }
        if extent.cells() > limits.max_cells {
            return Err(ReadError::OverCap(Cap::Cells(limits.max_cells)));
        }
    }
    Ok(())
}
