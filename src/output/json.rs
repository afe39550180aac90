//! JSON: the report, serialised as it is (pretty-printed), streamed to the writer.

use std::io::{self, Write};

use crate::report::Report;

pub fn write<W: Write>(report: &Report<'_>, out: W) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, report).map_err(io::Error::from)?;
    out.write_all(b"\n")?;
    out.flush()
}
