//! CSV writing (RFC 4180): fields quoted when they hold a comma, a quote or a line
//! break, quotes doubled, records ended by CRLF, UTF-8. `excel` adds a byte-order mark
//! (so Excel reads Chinese correctly) and defuses cells that Excel would run as a
//! formula (`=`, `+`, `-`, `@` first, and not a plain number) by putting a `'` in front.

use std::io::{self, Write};

use crate::report::Report;

/// The tables `export --format csv --table …` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Clients,
    Entries,
    Followups,
    People,
}

/// Write one table of the report.
pub fn write<W: Write>(report: &Report<'_>, table: Table, out: W, excel: bool) -> io::Result<()> {
    let mut w = CsvWriter::new(io::BufWriter::with_capacity(1 << 16, out), excel)?;
    let opt = |d: Option<crate::model::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let num = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    match table {
        Table::Clients => {
            w.record(&[
                "id",
                "name",
                "owner",
                "tier",
                "status",
                "last_contact",
                "next_due",
                "days_since_contact",
                "days_overdue",
                "contacts_12m",
                "cadence",
                "file",
                "tags",
                "flags",
                "promises_on_time",
                "promises_late",
                "promises_missed",
                "inbound_share",
                "lost_date",
                "lost_reason",
            ])?;
            for c in report.clients.iter() {
                w.record(&[
                    c.id,
                    c.name,
                    c.owner.unwrap_or(""),
                    c.tier.unwrap_or(""),
                    c.status,
                    &opt(c.last_contact),
                    &opt(c.next_due),
                    &num(c.days_since_contact),
                    &c.days_overdue.to_string(),
                    &c.contacts_12m.to_string(),
                    &c.cadence,
                    c.file,
                    &c.tags.join("; "),
                    &c.flags.join("; "),
                    &c.promises.on_time.to_string(),
                    &c.promises.late.to_string(),
                    &c.promises.missed.to_string(),
                    &c.inbound_share.map(|s| s.to_string()).unwrap_or_default(),
                    &opt(c.lost.as_ref().and_then(|l| l.date)),
                    c.lost.as_ref().and_then(|l| l.reason).unwrap_or(""),
                ])?;
            }
        }
        Table::Entries => {
            w.record(&[
                "client", "date", "kind", "people", "summary", "line", "inbound",
            ])?;
            // Row by row with the entries at hand (those let go of read again ahead).
            report.clients.try_for_each(
                |c| {
                    let written = c.entries.with(|entries| {
                        for e in entries {
                            w.record(&[
                                c.id,
                                &e.date.to_string(),
                                e.kind,
                                &e.people.join("; "),
                                e.summary,
                                &e.line.to_string(),
                                bool_text(e.inbound),
                            ])?;
                        }
                        Ok::<(), io::Error>(())
                    });
                    written.map_err(|e| io::Error::other(e.to_string()))?
                },
                |e| io::Error::other(e.to_string()),
            )?;
        }
        Table::Followups => {
            w.record(&[
                "client", "date", "text", "done", "missed", "line", "done_on",
            ])?;
            for c in report.clients.iter() {
                for f in c.followups.iter() {
                    w.record(&[
                        c.id,
                        &f.date.to_string(),
                        f.text,
                        bool_text(f.done),
                        bool_text(f.missed),
                        &f.line.to_string(),
                        &opt(f.done_on),
                    ])?;
                }
            }
        }
        Table::People => {
            w.record(&[
                "client",
                "name",
                "role",
                "title",
                "last_mentioned",
                "last_contacted",
                "left",
                "successor",
            ])?;
            for c in report.clients.iter() {
                for p in c.people.iter() {
                    w.record(&[
                        c.id,
                        p.name,
                        p.role.unwrap_or(""),
                        p.title.unwrap_or(""),
                        &opt(p.last_mentioned),
                        &opt(p.last_contacted),
                        &opt(p.left),
                        p.successor.unwrap_or(""),
                    ])?;
                }
            }
        }
    }
    w.into_inner().flush()
}

fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

pub struct CsvWriter<W: Write> {
    out: W,
    excel: bool,
}

impl<W: Write> CsvWriter<W> {
    /// Start a CSV stream; with `excel`, the byte-order mark is written at once.
    pub fn new(mut out: W, excel: bool) -> io::Result<CsvWriter<W>> {
        if excel {
            out.write_all("\u{feff}".as_bytes())?;
        }
        Ok(CsvWriter { out, excel })
    }

    /// One record.
    pub fn record<S: AsRef<str>>(&mut self, fields: &[S]) -> io::Result<()> {
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            self.field(field.as_ref())?;
        }
        self.out.write_all(b"\r\n")
    }

    fn field(&mut self, value: &str) -> io::Result<()> {
        let formula = self.excel
            && value.starts_with(['=', '+', '-', '@', '\t', '\r'])
            && value.parse::<f64>().is_err();
        let quote = formula || value.contains([',', '"', '\r', '\n']);
        if !quote {
            return self.out.write_all(value.as_bytes());
        }
        self.out.write_all(b"\"")?;
        if formula {
            self.out.write_all(b"'")?;
        }
        let mut rest = value;
        while let Some(i) = rest.find('"') {
            self.out
                .write_all(rest.get(..=i).unwrap_or(rest).as_bytes())?;
            self.out.write_all(b"\"")?;
            rest = rest.get(i + 1..).unwrap_or("");
        }
        self.out.write_all(rest.as_bytes())?;
        self.out.write_all(b"\"")
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(excel: bool, rows: &[&[&str]]) -> String {
        let mut w = CsvWriter::new(Vec::new(), excel).unwrap();
        for r in rows {
            w.record(r).unwrap();
        }
        String::from_utf8(w.into_inner()).unwrap()
    }

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(
            csv(
                false,
                &[&["id", "name"], &["a,b", "say \"hi\""], &["x\ny", "华东"]]
            ),
            "id,name\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n\"x\ny\",华东\r\n"
        );
    }

    #[test]
    fn excel_gets_a_bom_and_no_formulas() {
        let out = csv(true, &[&["=1+1", "-3", "@SUM(A1)", "ok"]]);
        assert_eq!(out, "\u{feff}\"'=1+1\",-3,\"'@SUM(A1)\",ok\r\n");
        // Control: without --excel the value is left as written.
        assert_eq!(csv(false, &[&["=1+1"]]), "=1+1\r\n");
    }
}
