//! The markdown tables that checks hold to the code (README's platform table, ARCHITECTURE.md's code map
//! and architectures), read one way.

use crate::cmd::Result;

/// A table's header cells and its rows' cells, trimmed.
pub struct Table<'d> {
    pub header: Vec<&'d str>,
    pub rows: Vec<Vec<&'d str>>,
}

impl<'d> Table<'d> {
    /// The first table after `heading` (a line of its own) in `doc`; `name` is the document's, for errors.
    pub fn under(doc: &'d str, name: &str, heading: &str) -> Result<Table<'d>> {
        let section = doc.split_once(&format!("\n{heading}\n")).ok_or(format!("{name} has no {heading:?}"))?.1;
        let mut lines = section
            .lines()
            .skip_while(|line| !line.starts_with('|'))
            .take_while(|line| line.starts_with('|'))
            .map(|line| line.trim_matches('|').split(" | ").map(str::trim).collect::<Vec<_>>());
        let header = lines.next().ok_or(format!("{name} has no table under {heading:?}"))?;
        // The rule below the header.
        lines.next();
        Ok(Table { header, rows: lines.collect() })
    }

    /// The number of the column whose header is `name`.
    pub fn column(&self, name: &str) -> Result<usize> {
        self.header.iter().position(|cell| *cell == name).ok_or(format!("no column {name:?} in {:?}", self.header))
    }

    /// The row with `cell` in it.
    pub fn row(&self, cell: &str) -> Option<&[&'d str]> {
        self.rows.iter().find(|row| row.contains(&cell)).map(Vec::as_slice)
    }
}

/// A size as the docs write it: `24,576 B`.
pub fn bytes(cell: &str) -> Option<u64> {
    cell.strip_suffix(" B")?.replace(',', "").parse().ok()
}

/// The text between the first pair of backticks in `cell`.
pub fn quoted(cell: &str) -> Option<&str> {
    cell.split('`').nth(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_under_its_heading() {
        let doc = "# t\n\n## Sizes\n\nText.\n\n| file | size |\n|---|---|\n| `a` | 24,576 B |\n| `b` | 7 |\n\nAfter.\n";
        let table = Table::under(doc, "doc", "## Sizes").unwrap();
        assert_eq!(table.header, ["file", "size"]);
        assert_eq!(table.rows, [["`a`", "24,576 B"], ["`b`", "7"]]);
        assert_eq!(table.column("size").unwrap(), 1);
        assert!(table.column("real kernel").is_err());
        assert_eq!(table.row("`b`"), Some(&["`b`", "7"][..]));
        assert_eq!(bytes(table.rows[0][1]), Some(24_576));
        assert_eq!(bytes(table.rows[1][1]), None);
        assert_eq!(quoted(table.rows[0][0]), Some("a"));
        assert!(Table::under(doc, "doc", "## Other").is_err());
    }
}
