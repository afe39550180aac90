//! Outputs other than the site, each a small writer over one `report::Report`:
//! `json` (the report as it is), `csv` (tables of clients, entries, follow-ups,
//! people) and `ics` (a calendar feed). None computes a figure of its own.

pub mod csv;
pub mod due;
pub mod ics;
pub mod json;
