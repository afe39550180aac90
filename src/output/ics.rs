//! iCalendar writing (RFC 5545): CRLF line ends, content lines folded at 75 octets
//! (never inside a UTF-8 character), TEXT values escaped, all-day events as
//! `VALUE=DATE`. What goes into the events is decided by the report; this only writes.

use std::io::{self, Write};

use crate::analyse::moments::MomentKind;
use crate::config::Lang;
use crate::model::Date;
use crate::render::i18n::label;
use crate::report::Report;

/// The calendar of a report: open follow-ups dated from today to 12 months ahead,
/// birthdays (name and client only), partnership anniversaries, `dates:` and
/// holidays over the same 12 months, in `lang`. With `owner`, only that rep's clients
/// (and the holidays).
pub fn write<W: Write>(
    report: &Report<'_>,
    name: &str,
    lang: Lang,
    owner: Option<&str>,
    out: W,
) -> io::Result<()> {
    write_events(&events(report), report, lang, name, owner, out)
}

/// One event of the calendar: when, its UID's parts, and which follow-up or moment of
/// the report it is. Its text is written from the report as each feed is written
/// (`write_events`), not held: the team's events are about 300 bytes each, and 100,000
/// clients have half a million of them.
pub struct CalEvent {
    date: Date,
    /// What the UID says it is (`followup`, `birthday`, …): with `date` and `hash`,
    /// the UID (`uid_of`).
    what: &'static str,
    /// `uid_hash` of whose it is.
    hash: u64,
    from: Origin,
}

/// Where in the report an event comes from.
#[derive(Clone, Copy)]
enum Origin {
    /// The `at`th of a client's follow-ups (`ClientReport::followups`).
    FollowUp { client: u32, at: u32 },
    /// An index into `Report::calendar`.
    Moment(u32),
}

impl CalEvent {
    /// The client it is about (an index into `Report::clients`); none for holidays.
    fn client(&self, report: &Report<'_>) -> Option<usize> {
        match self.from {
            Origin::FollowUp { client, .. } => Some(client as usize),
            Origin::Moment(m) => report
                .calendar
                .get(m as usize)
                .and_then(|m| m.client_index)
                .filter(|&i| report.clients.owner(i).is_some()),
        }
    }
}

/// Every event of the report's calendar (all clients), sorted by day and UID.
pub fn events(report: &Report<'_>) -> Vec<CalEvent> {
    let horizon = report
        .today
        .checked_add(jiff::Span::new().days(crate::workspace::CALENDAR_DAYS))
        .unwrap_or(report.today);
    let clients = &report.clients;
    let each =
        || (0..clients.len()).filter_map(|i| Some((i, clients.head(i)?, clients.followups(i)?)));
    let listed = |f: &crate::report::FollowUpReport<'_>| {
        !f.done && f.date >= report.today && f.date < horizon
    };
    // Counted first, so that the list (about 20 MB at 100,000 clients) is made at its
    // size rather than grown by doubling, which held a copy and a half of it at once.
    let followups: usize = each()
        .map(|(_, _, followups)| followups.iter().filter(|f| listed(f)).count())
        .sum();
    let mut events: Vec<CalEvent> = Vec::with_capacity(followups + report.calendar.len());
    for (i, c, followups) in each() {
        for (j, f) in followups.iter().enumerate() {
            if !listed(&f) {
                continue;
            }
            let (Ok(client), Ok(at)) = (u32::try_from(i), u32::try_from(j)) else {
                continue;
            };
            events.push(CalEvent {
                date: f.date,
                what: "followup",
                hash: uid_hash(&[c.id, f.text]),
                from: Origin::FollowUp { client, at },
            });
        }
    }
    for (n, m) in report.calendar.iter_indexed() {
        let Ok(at) = u32::try_from(n) else { continue };
        events.push(CalEvent {
            date: m.date,
            what: moment_key(m.kind).trim_start_matches("moment_"),
            hash: uid_hash(&[m.client.unwrap_or(""), m.name.unwrap_or(m.what)]),
            from: Origin::Moment(at),
        });
    }
    // By day, then UID: within a day, the UIDs' order is their kinds' and then their
    // hashes' (no kind is the start of another, the hash is 16 hex digits). Events with
    // the same UID keep the order they were listed in (`listed_order`), so the first
    // of them is the one kept: sorted in place, with no buffer of half the list.
    events.sort_unstable_by(|a, b| {
        (a.date, a.what, a.hash, a.from.listed_order()).cmp(&(
            b.date,
            b.what,
            b.hash,
            b.from.listed_order(),
        ))
    });
    events.dedup_by(|a, b| (a.date, a.what, a.hash) == (b.date, b.what, b.hash));
    events
}

impl Origin {
    /// Where `events` listed it: the follow-ups client by client, then the moments.
    fn listed_order(self) -> (u8, u32, u32) {
        match self {
            Origin::FollowUp { client, at } => (0, client, at),
            Origin::Moment(at) => (1, at, 0),
        }
    }
}

/// The label key of a moment's kind.
fn moment_key(kind: MomentKind) -> &'static str {
    match kind {
        MomentKind::Birthday => "moment_birthday",
        MomentKind::Anniversary => "moment_anniversary",
        MomentKind::Date => "moment_date",
        MomentKind::Holiday => "moment_holiday",
    }
}

/// `DTSTAMP`'s value for the day `stamp`.
fn stamp_of(stamp: Date) -> String {
    format!("{}T000000Z", compact(stamp))
}

/// Write a feed of `events` in `lang`: all of them, or with `owner` that rep's and the
/// holidays.
pub fn write_events<W: Write>(
    events: &[CalEvent],
    report: &Report<'_>,
    lang: Lang,
    name: &str,
    owner: Option<&str>,
    out: W,
) -> io::Result<()> {
    let mut w = IcsWriter::new(
        io::BufWriter::with_capacity(1 << 16, out),
        name,
        report.stamp,
    )?;
    let colon = if lang == Lang::Zh { "：" } else { ": " };
    for e in events {
        let mine = match (
            owner,
            e.client(report).and_then(|i| report.clients.owner(i)),
        ) {
            (Some(o), Some(c)) => c.unwrap_or("") == o,
            _ => true,
        };
        if mine {
            write_event(&mut w, e, report, lang, colon)?;
        }
    }
    w.finish()?.flush()
}

/// The event `e` as its feed has it.
fn write_event<W: Write>(
    w: &mut IcsWriter<W>,
    e: &CalEvent,
    report: &Report<'_>,
    lang: Lang,
    colon: &str,
) -> io::Result<()> {
    let uid = uid_of(e.what, e.date, e.hash);
    match e.from {
        Origin::FollowUp { client, at } => {
            let clients = &report.clients;
            let Some((c, all)) = clients
                .head(client as usize)
                .zip(clients.followups(client as usize))
            else {
                return Ok(());
            };
            let Some(f) = all.get(at as usize) else {
                return Ok(());
            };
            w.event(&Event {
                uid: &uid,
                date: e.date,
                summary: &format!("{}{colon}{}", c.name, f.text),
                description: &format!("{} · {}:{}", label(lang, "followups"), c.file, f.line),
                categories: label(lang, "followups"),
            })
        }
        Origin::Moment(m) => {
            let Some(m) = report.calendar.get(m as usize) else {
                return Ok(());
            };
            let client = m.client_index.and_then(|i| report.clients.head(i));
            let client_name = client.map_or("", |c| c.name);
            let key = moment_key(m.kind);
            let title = match m.kind {
                MomentKind::Birthday => match lang {
                    Lang::Zh => format!("{}（{client_name}）", m.name.unwrap_or("")),
                    Lang::En => format!("{} ({client_name})", m.name.unwrap_or("")),
                },
                MomentKind::Anniversary => client_name.to_string(),
                MomentKind::Date => format!("{client_name}{colon}{}", m.what),
                MomentKind::Holiday => match m.holiday_key {
                    Some(k) => label(lang, &format!("holiday_{k}")).to_string(),
                    None => m.name.unwrap_or("").to_string(),
                },
            };
            // A lunar birthday or date says so: `Birthday: 王强 (Acme) · lunar 10/23`.
            let title = match m.lunar {
                Some(d) => format!("{title} · {}", crate::render::format::lunar_day(lang, d)),
                None => title,
            };
            let kind = label(lang, key);
            w.event(&Event {
                uid: &uid,
                date: e.date,
                summary: &format!("{kind}{colon}{title}"),
                description: "",
                categories: kind,
            })
        }
    }
}

/// A UID that stays the same across builds: what, when, and a hash of whose
/// (`uid_hash`).
fn uid_of(what: &str, date: Date, hash: u64) -> String {
    format!("{what}-{}-{hash:016x}@touchbase", compact(date))
}

/// Whose an event is, for its UID: FNV-1a, 64 bits, stable across Rust versions and
/// platforms, unlike `Hash`.
fn uid_hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// One all-day event.
pub struct Event<'a> {
    /// Stable across builds: the same thing on the same day keeps its UID.
    pub uid: &'a str,
    pub date: Date,
    pub summary: &'a str,
    pub description: &'a str,
    pub categories: &'a str,
}

pub struct IcsWriter<W: Write> {
    out: W,
    /// `DTSTAMP` of every event: fixed by the notes, so output is byte-identical.
    stamp: String,
    /// One content line at a time, reused (a team feed has tens of thousands of events).
    buf: String,
}

impl<W: Write> IcsWriter<W> {
    /// Begin a calendar named `name`; `stamp` is the day every event's DTSTAMP carries.
    pub fn new(out: W, name: &str, stamp: Date) -> io::Result<IcsWriter<W>> {
        let mut w = IcsWriter {
            out,
            stamp: stamp_of(stamp),
            buf: String::with_capacity(256),
        };
        w.line("BEGIN:VCALENDAR")?;
        w.line("VERSION:2.0")?;
        w.line(&format!(
            "PRODID:-//touchbase//touchbase {}//EN",
            env!("CARGO_PKG_VERSION")
        ))?;
        w.line("CALSCALE:GREGORIAN")?;
        w.line("METHOD:PUBLISH")?;
        w.line(&format!("X-WR-CALNAME:{}", text(name)))?;
        Ok(w)
    }

    pub fn event(&mut self, e: &Event<'_>) -> io::Result<()> {
        let next = e.date.tomorrow().unwrap_or(e.date);
        self.line("BEGIN:VEVENT")?;
        self.field("UID:", e.uid)?;
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        buf.push_str("DTSTAMP:");
        buf.push_str(&self.stamp);
        self.line(&buf)?;
        for (name, day) in [("DTSTART;VALUE=DATE:", e.date), ("DTEND;VALUE=DATE:", next)] {
            buf.clear();
            buf.push_str(name);
            push_compact(&mut buf, day);
            self.line(&buf)?;
        }
        self.buf = buf;
        self.field("SUMMARY:", e.summary)?;
        if !e.description.is_empty() {
            self.field("DESCRIPTION:", e.description)?;
        }
        if !e.categories.is_empty() {
            self.field("CATEGORIES:", e.categories)?;
        }
        self.line("TRANSP:TRANSPARENT")?;
        self.line("END:VEVENT")
    }

    /// `NAME:` and a TEXT value, escaped, as one folded line.
    fn field(&mut self, name: &str, value: &str) -> io::Result<()> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        buf.push_str(name);
        push_text(&mut buf, value);
        let written = self.line(&buf);
        self.buf = buf;
        written
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.line("END:VCALENDAR")?;
        Ok(self.out)
    }

    /// One content line, folded: at most 75 octets a line, continuation lines start
    /// with a space (which counts toward their 75).
    fn line(&mut self, line: &str) -> io::Result<()> {
        let mut rest = line;
        let mut limit = 75;
        loop {
            if rest.len() <= limit {
                self.out.write_all(rest.as_bytes())?;
                return self.out.write_all(b"\r\n");
            }
            let mut cut = limit;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            let (head, tail) = rest.split_at(cut);
            self.out.write_all(head.as_bytes())?;
            self.out.write_all(b"\r\n ")?;
            rest = tail;
            limit = 74;
        }
    }
}

/// `2026-11-02` → `20261102`.
fn compact(d: Date) -> String {
    let mut s = String::with_capacity(8);
    push_compact(&mut s, d);
    s
}

fn push_compact(out: &mut String, d: Date) {
    use crate::render::format::push_number;
    push_number(out, i64::from(d.year()), 4);
    push_number(out, i64::from(d.month()), 2);
    push_number(out, i64::from(d.day()), 2);
}

/// Escape a TEXT value: backslash, semicolon, comma and line breaks.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_text(&mut out, s);
    out
}

fn push_text(out: &mut String, s: &str) {
    if !s.contains(['\\', ';', ',', '\n', '\r']) && !s.chars().any(char::is_control) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// Events are in day and UID order, one per UID, and of follow-ups written twice (the
    /// same UID) the one kept is the first in the note, as the stable sort kept it.
    #[test]
    fn one_event_per_uid_the_first_listed() {
        let dir = tempfile::tempdir().unwrap();
        // Three clients, each with 60 open follow-ups over five days and three texts:
        // every (day, text) four times, far more than a sort leaves in place.
        for (file, id) in [("a.md", "alpha"), ("b.md", "beta"), ("c.md", "gamma")] {
            let mut note = format!("---\nid: {id}\nname: {id}\n---\n\n## 2026-11-01 call\n\n");
            for n in 0..60 {
                let day = 10 + (n * 7) % 5;
                let text = ["send the quote", "book a visit", "寄样品"][(n / 5) % 3];
                note.push_str(&format!("- [ ] 2026-12-{day:02} {text}\n"));
            }
            std::fs::write(dir.path().join(file), note).unwrap();
        }
        let ws = crate::workspace::load(dir.path(), Some(d("2026-11-22"))).unwrap();
        let report = crate::report::build(&ws);
        let events = events(&report);
        let followups: Vec<&CalEvent> = events.iter().filter(|e| e.what == "followup").collect();
        // 3 clients × 5 days × 3 texts.
        assert_eq!(followups.len(), 45);
        let key = |e: &CalEvent| (e.date, e.what, e.hash);
        assert!(
            events.windows(2).all(|w| key(&w[0]) < key(&w[1])),
            "sorted, no twice"
        );
        for e in &followups {
            let Origin::FollowUp { client, at } = e.from else {
                panic!("a follow-up from a moment")
            };
            let all: Vec<_> = report
                .clients
                .followups(client as usize)
                .unwrap()
                .iter()
                .collect();
            let kept = &all[at as usize];
            // The first follow-up of the note with this day and text.
            let first = all
                .iter()
                .position(|f| f.date == kept.date && f.text == kept.text)
                .unwrap();
            assert_eq!(at as usize, first, "{} {}", kept.date, kept.text);
        }
        // Control: the same day and text is listed four times in each note.
        let all: Vec<_> = report.clients.followups(0).unwrap().iter().collect();
        let again = all
            .iter()
            .filter(|f| f.date == all[0].date && f.text == all[0].text)
            .count();
        assert_eq!(again, 4);
    }

    fn calendar(summary: &str) -> String {
        let mut w = IcsWriter::new(Vec::new(), "Team, 华东", d("2026-11-22")).unwrap();
        w.event(&Event {
            uid: "followup-a@touchbase",
            date: d("2026-12-31"),
            summary,
            description: "line one\nline; two",
            categories: "follow-up",
        })
        .unwrap();
        String::from_utf8(w.finish().unwrap()).unwrap()
    }

    #[test]
    fn folds_at_75_octets_on_char_boundaries() {
        let out = calendar(&"华东建材集团".repeat(10));
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        assert!(out.contains("\r\n "), "a long line must be folded");
        // Unfolding gives back the value.
        let unfolded = out.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("SUMMARY:{}", "华东建材集团".repeat(10))));
        assert!(
            !out.replace("\r\n", "").contains('\n'),
            "every line ends in CRLF"
        );
    }

    #[test]
    fn all_day_events_and_escapes() {
        let out = calendar("Call, then quote; done");
        assert!(out.contains("DTSTART;VALUE=DATE:20261231\r\n"));
        assert!(out.contains("DTEND;VALUE=DATE:20270101\r\n"));
        assert!(out.contains("DTSTAMP:20261122T000000Z\r\n"));
        assert!(out.contains("SUMMARY:Call\\, then quote\\; done\r\n"));
        assert!(out.contains("DESCRIPTION:line one\\nline\\; two\r\n"));
        assert!(out.contains("X-WR-CALNAME:Team\\, 华东\r\n"));
        assert!(out.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(out.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
    }
}
