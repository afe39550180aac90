//! Output formats other than the site: each writes one analysed report to a stream.
//! `csv` and `ics` know their file formats; what goes into them comes from the report.

pub mod csv;
pub mod ics;
