//! Reading front-matter values into the model's types: tier, cadence, dates, tags,
//! revenue, margin, the `dates:` list and the people, each with its diagnostics.

use super::dates::{parse_birthday, parse_iso, parse_yearly};
use super::frontmatter::Reader;
use super::locate::Step;
use super::yaml::Node;
use crate::model::{Cadence, KeyDate, Lost, Person, Role, Tier};
use crate::suggest::closest;

/// The largest amount of money touchbase takes (10¹⁵): beyond it sums and charts stop
/// being meaningful (and f64 sums could overflow to infinity).
pub const MAX_AMOUNT: f64 = 1e15;

/// Keys a person may have (`birth_day` is accepted for `birthday`).
pub const PERSON_KEYS: [&str; 14] = [
    "name",
    "role",
    "title",
    "gender",
    "birthday",
    "phone",
    "wechat",
    "email",
    "family",
    "likes",
    "notes",
    "left",
    "successor",
    "birth_day",
];

/// Keys of `lost:`.
pub const LOST_KEYS: [&str; 2] = ["date", "reason"];

impl Reader<'_> {
    pub(super) fn margin(&mut self, node: &Node, path: &[Step<'_>]) -> Option<f64> {
        let text = self.text(node, path, "margin")?;
        let (number, scale) = match text.strip_suffix('%') {
            Some(t) => (t.trim(), 100.0),
            None => (text.as_str(), 1.0),
        };
        match number.parse::<f64>().map(|v| v / scale) {
            Ok(v) if (0.0..=1.0).contains(&v) => Some(v),
            _ => {
                self.error(
                    path,
                    true,
                    format!("margin `{text}` is not between 0 and 1"),
                    Some(
                        "write the gross margin as a fraction (`0.18`) or a percentage (`18%`)"
                            .into(),
                    ),
                );
                None
            }
        }
    }

    pub(super) fn dates(&mut self, node: &Node) -> Vec<KeyDate> {
        let Node::List(items) = node else {
            if *node != Node::Null {
                self.error(
                    &[Step::Key("dates")],
                    true,
                    "`dates` should be a list".into(),
                    Some("write `- {date: 06-18, what: 年中供应商大会}` under `dates:`".into()),
                );
            }
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let base = [Step::Key("dates"), Step::Index(i)];
            let map = item.as_map().unwrap_or(&[]);
            let get = |k: &str| map.iter().find(|(key, _)| key == k).map(|(_, v)| v);
            let what = get("what").map(Node::to_text).unwrap_or_default();
            let Some(date) = get("date").map(Node::to_text) else {
                self.error(
                    &base,
                    false,
                    "date to remember has no `date`".into(),
                    Some("write `- {date: 06-18, what: 年中供应商大会}`".into()),
                );
                continue;
            };
            let path = [Step::Key("dates"), Step::Index(i), Step::Key("date")];
            match parse_yearly(&date) {
                Ok(date) => out.push(KeyDate { date, what }),
                Err(e) => self.error(
                    &path,
                    true,
                    e.message,
                    Some(
                        e.help
                            .replace("the year is unknown", "it comes back every year"),
                    ),
                ),
            }
        }
        out
    }

    /// `lost: {date: 2026-09-30, reason: 价格}`, or just the date.
    pub(super) fn lost(&mut self, node: &Node) -> Lost {
        let mut lost = Lost::default();
        match node {
            Node::Null => {}
            Node::Map(map) => {
                for (key, value) in map {
                    let path = [Step::Key("lost"), Step::Key(key)];
                    match key.as_str() {
                        "date" => lost.date = self.date(value, &path, key),
                        "reason" => lost.reason = Some(value.to_text()).filter(|s| !s.is_empty()),
                        _ => {
                            let help = match closest(key, LOST_KEYS) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => "`lost` takes `date` and `reason`: `lost: {date: 2026-09-30, reason: 价格}`".into(),
                            };
                            self.warn(&path, format!("unknown key `{key}` in `lost`"), Some(help));
                        }
                    }
                }
            }
            Node::List(_) => self.error(
                &[Step::Key("lost")],
                true,
                "`lost` should be a date and a reason, not a list".into(),
                Some("write `lost: {date: 2026-09-30, reason: 价格}`".into()),
            ),
            _ => lost.date = self.date(node, &[Step::Key("lost")], "lost"),
        }
        lost
    }

    pub(super) fn tier(&mut self, node: &Node, path: &[Step<'_>]) -> Option<Tier> {
        let text = self.text(node, path, "tier")?;
        let tier = Tier::parse(&text);
        if tier.is_none() {
            let names = Tier::ALL.map(Tier::as_str);
            let help = match closest(&text, names) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("tiers are: {}", names.join(", ")),
            };
            self.error(path, true, format!("unknown tier `{text}`"), Some(help));
        }
        tier
    }

    pub(super) fn cadence(&mut self, node: &Node, path: &[Step<'_>]) -> Option<Cadence> {
        let text = self.text(node, path, "cadence")?;
        let c = Cadence::parse(&text);
        if c.is_none() {
            self.error(
                path,
                true,
                format!("`{text}` is not a cadence"),
                Some(
                    "write a number with a unit: `14d`, `2w`, `1m`, `1y`, or a number of days"
                        .into(),
                ),
            );
        }
        c
    }

    pub(super) fn date(
        &mut self,
        node: &Node,
        path: &[Step<'_>],
        key: &str,
    ) -> Option<crate::model::Date> {
        let text = self.text(node, path, key)?;
        match parse_iso(&text) {
            Ok(d) => Some(d),
            Err(p) => {
                self.error(path, true, p.message, Some(p.help));
                None
            }
        }
    }

    pub(super) fn list_of_text(
        &mut self,
        node: &Node,
        path: &[Step<'_>],
        key: &str,
    ) -> Vec<String> {
        match node {
            Node::List(items) => items
                .iter()
                .filter(|n| n.is_scalar())
                .map(Node::to_text)
                .filter(|s| !s.trim().is_empty())
                .collect(),
            // `tags: vip, export` is forgiven: split on commas.
            other => self
                .text(other, path, key)
                .map(|s| {
                    s.split([',', '，', '、'])
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    pub(super) fn revenue(&mut self, node: &Node, path: &[Step<'_>]) -> crate::model::Revenue {
        let mut out = Vec::new();
        let Some(map) = node.as_map() else {
            if *node != Node::Null {
                self.error(
                    path,
                    true,
                    "`revenue` should map years to amounts".into(),
                    Some("write `revenue:` then lines like `  2025: 1200000`".into()),
                );
            }
            return crate::model::Revenue::default();
        };
        for (year, amount) in map {
            let p = [Step::Key("revenue"), Step::Key(year)];
            let Ok(y) = year.trim().parse::<i32>() else {
                self.error(
                    &p,
                    false,
                    format!("`{year}` is not a year"),
                    Some("revenue keys are years, e.g. `2025: 1200000`".into()),
                );
                continue;
            };
            let text = amount.to_text().replace([',', '_', '¥', '￥', ' '], "");
            match text.parse::<f64>() {
                Ok(v) if (0.0..=MAX_AMOUNT).contains(&v) => {
                    out.push((y, v));
                }
                Ok(v) if v.is_finite() => self.error(
                    &p,
                    true,
                    format!(
                        "revenue for {year} (`{}`) is out of range",
                        self.raw_value(&p).unwrap_or_else(|| text.clone())
                    ),
                    Some("an amount is between 0 and 1,000,000,000,000,000 (10¹⁵)".into()),
                ),
                Ok(_) => self.error(
                    &p,
                    true,
                    format!(
                        "revenue for {year} (`{}`) is not a finite amount",
                        self.raw_value(&p).unwrap_or_else(|| text.clone())
                    ),
                    Some("write a plain number, e.g. `1200000`".into()),
                ),
                _ => self.error(
                    &p,
                    true,
                    format!("revenue for {year} is not a number"),
                    Some("write a plain number, e.g. `1200000`".into()),
                ),
            }
        }
        out.into_iter().collect()
    }

    pub(super) fn people(&mut self, node: &Node) -> Vec<Person> {
        let Node::List(items) = node else {
            if *node != Node::Null {
                self.error(
                    &[Step::Key("people")],
                    true,
                    "`people` should be a list".into(),
                    Some("write each person as `  - name: …` under `people:`".into()),
                );
            }
            return Vec::new();
        };
        let mut people = Vec::with_capacity(items.len());
        // The list index of each person kept, for diagnostics after the loop.
        let mut items_of = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let base = [Step::Key("people"), Step::Index(i)];
            let Some(map) = item.as_map() else {
                if let Some(name) = self.text(item, &base, "people") {
                    people.push(Person {
                        name,
                        ..Person::default()
                    });
                    items_of.push(i);
                }
                continue;
            };
            let mut p = Person::default();
            for (key, value) in map {
                let path = [Step::Key("people"), Step::Index(i), Step::Key(key)];
                match key.as_str() {
                    "name" => p.name = self.text(value, &path, key).unwrap_or_default(),
                    "role" => p.role = self.role(value, &path),
                    "title" => p.title = self.text(value, &path, key),
                    "gender" => p.more_mut().gender = self.text(value, &path, key),
                    "birthday" | "birth_day" => {
                        if let Some(t) = self.text(value, &path, key) {
                            match parse_birthday(&t) {
                                Ok(b) => p.birthday = Some(b),
                                Err(e) => self.error(&path, true, e.message, Some(e.help)),
                            }
                        }
                    }
                    "phone" => p.phone = self.text(value, &path, key),
                    "wechat" => p.wechat = self.text(value, &path, key),
                    "email" => p.email = self.text(value, &path, key),
                    "family" => p.more_mut().family = self.text(value, &path, key),
                    "likes" => p.more_mut().likes = Some(value.to_text()).filter(|s| !s.is_empty()),
                    "notes" => p.more_mut().notes = self.text(value, &path, key),
                    "left" => p.left = self.date(value, &path, key),
                    "successor" => p.more_mut().successor = self.text(value, &path, key),
                    _ => {
                        self.unknown_key(key, &path, &PERSON_KEYS);
                        p.more_mut().extra.push((key.clone(), value.to_text()));
                    }
                }
            }
            if p.name.is_empty() {
                self.error(
                    &base,
                    false,
                    "person has no `name`".into(),
                    Some("every person needs `name: …`".into()),
                );
                continue;
            }
            p.tidy();
            people.push(p);
            items_of.push(i);
        }
        // A successor is one of the client's people, so that their contacts count.
        for (p, &i) in people.iter().zip(&items_of) {
            let Some(s) = &p.more().successor else {
                continue;
            };
            if people.iter().any(|q| q.name == *s) {
                continue;
            }
            let path = [Step::Key("people"), Step::Index(i), Step::Key("successor")];
            self.warn(
                &path,
                format!("successor `{s}` is not one of this client's people"),
                Some(format!(
                    "add them under `people:` (`- name: {s}` with their role) so that their contacts count"
                )),
            );
        }
        // Held for the whole build: no room left by people who were dropped.
        people.shrink_to_fit();
        people
    }

    pub(super) fn role(&mut self, node: &Node, path: &[Step<'_>]) -> Option<Role> {
        let text = self.text(node, path, "role")?;
        let role = Role::parse(&text);
        if role.is_none() {
            let names = Role::ALL.map(Role::as_str);
            let help = match closest(&text, names) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("roles are: {}", names.join(", ")),
            };
            self.error(path, true, format!("unknown role `{text}`"), Some(help));
        }
        role
    }
}
