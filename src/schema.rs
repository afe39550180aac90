//! `touchbase schema`: a JSON Schema (draft 2020-12) of a note's front matter, for
//! editors (`# yaml-language-server: $schema=…`). It follows the parser
//! (`parse::frontmatter`, `parse::fields`): every key it knows, typed as it reads them,
//! with the enums it has. Unknown keys are allowed, because the checker itself warns
//! about them (with a suggestion) and keeps them.

use serde_json::{Value, json};

use crate::model::{Kind, Role, Tier};

/// A text value: the parser takes strings, numbers and booleans as written.
fn text(description: &str) -> Value {
    json!({ "type": ["string", "number", "boolean", "null"], "description": description })
}

/// `YYYY-MM-DD` (YAML leaves an unquoted date as text).
fn iso_date(description: &str) -> Value {
    json!({
        "type": "string",
        "pattern": r"^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$",
        "description": description,
    })
}

/// A lunar month-day as `parse::dates::parse_lunar` reads it: `农历08-15`, `lunar 08-15`,
/// `农历闰04-15`, `lunar leap 04-15` (`阴历`, `農曆`, `陰曆` too; `lunar`, `leap` in any case).
const LUNAR: &str = r"(农历|阴历|農曆|陰曆|[Ll][Uu][Nn][Aa][Rr])\s*(闰|閏|[Ll][Ee][Aa][Pp]\s+)?\s*[0-9]{2}-[0-9]{2}";

/// A birthday: `MM-DD`, `YYYY-MM-DD`, or lunar with an optional year of birth
/// (`1968 农历08-15`).
fn birthday_value(description: &str) -> Value {
    json!({
        "type": "string",
        "pattern": format!(r"^\s*(([0-9]{{4}}-)?[0-9]{{2}}-[0-9]{{2}}|([0-9]{{4}}\s*年?\s*)?{LUNAR})\s*$"),
        "description": description,
    })
}

/// A date to remember or a holiday: `MM-DD` or `农历MM-DD` (every year), `YYYY-MM-DD`.
fn yearly_once_or_lunar(description: &str) -> Value {
    json!({
        "type": "string",
        "pattern": format!(r"^\s*(([0-9]{{4}}-)?[0-9]{{2}}-[0-9]{{2}}|{LUNAR})\s*$"),
        "description": description,
    })
}

/// `14d`, `2w`, `1m`, `1y` or a number of days.
fn cadence_value(description: &str) -> Value {
    json!({
        "description": description,
        "anyOf": [
            { "type": "string", "pattern": r"^\s*[0-9]+\s*[dDwWmMyY]?\s*$" },
            { "type": "integer", "minimum": 0 },
        ],
    })
}

/// The schema, as a JSON value.
pub fn schema() -> Value {
    let tiers: Vec<&str> = Tier::ALL.iter().map(|t| t.as_str()).collect();
    let mut roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
    // The Chinese words `Role::parse` takes.
    roles.extend([
        "决策者",
        "决策人",
        "影响者",
        "影响人",
        "使用者",
        "用户",
        "其他",
    ]);
    let mut cadence_keys = vec!["any"];
    cadence_keys.extend(Kind::ALL.iter().map(|k| k.as_str()));
    cadence_keys.extend(Kind::ALL.iter().flat_map(|k| k.aliases().iter().copied()));

    let person = json!({
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": text("The person's name, as `@Name` mentions in the log use it (required)."),
            "role": {
                "type": "string",
                "enum": roles,
                "description": "Their part in the client's decisions: decision-maker, influencer, user or other (Chinese words too).",
            },
            "title": text("Job title."),
            "gender": text("Gender, as you write it."),
            "birthday": birthday_value("Birthday: YYYY-MM-DD, or MM-DD when the year is unknown; lunar: 农历MM-DD (农历闰MM-DD for a leap month, `lunar MM-DD` in English), with the year of birth before it if known (1968 农历08-15)."),
            "birth_day": birthday_value("Same as `birthday`."),
            "phone": text("Phone number (masked in the report unless privacy.show lists `phone`). Quote it to keep a leading zero or `+`."),
            "wechat": text("WeChat ID (masked unless privacy.show lists `wechat`)."),
            "email": text("E-mail address (masked unless privacy.show lists `email`)."),
            "family": text("Family, as the rep knows it (left out of the report unless privacy.show lists `family`)."),
            "likes": {
                "description": "What they like: text, or a list (left out of the report unless privacy.show lists `likes`).",
            },
            "notes": text("Notes about the person (left out of the report unless privacy.show lists `notes`)."),
            "left": iso_date("The day they left the client (YYYY-MM-DD); from then on they are not current."),
            "successor": text("Who took over from them: another person under `people:`."),
        },
        "additionalProperties": true,
    });

    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "touchbase client note",
        "description": "The YAML front matter of a touchbase client note. Unknown keys are allowed; `touchbase check` warns about likely typos.",
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": text("The client's full name (required)."),
            "id": text("The client's id; default: the file name without `.md`. Other notes refer to it in `referred_by`."),
            "owner": text("The rep who keeps this client."),
            "tier": {
                "type": "string",
                "enum": tiers,
                "description": "The client's tier; sets the default cadence (touchbase.yaml `cadence:`). `lost`: no longer a client.",
            },
            "lost": {
                "description": "When and why the client was lost (with `tier: lost`): `{date: 2026-09-30, reason: 价格}`, or just the date.",
                "anyOf": [
                    {
                        "type": "object",
                        "properties": {
                            "date": iso_date("The day the client was lost (YYYY-MM-DD)."),
                            "reason": text("Why: 价格, service, moved away…"),
                        },
                    },
                    iso_date("The day the client was lost (YYYY-MM-DD)."),
                ],
            },
            "cadence": {
                "description": "How long the client may go without contact: `14d`, `2w`, `1m`, `1y` or a number of days; or one per kind of contact, `{any: 14d, visit: 2m}`.",
                "anyOf": [
                    cadence_value("One cadence for any contact."),
                    {
                        "type": "object",
                        "propertyNames": { "enum": cadence_keys },
                        "additionalProperties": cadence_value("The cadence for this kind of contact (`any`: for every kind)."),
                    },
                ],
            },
            "since": iso_date("When the client relationship began (YYYY-MM-DD)."),
            "tags": {
                "description": "Tags: a list, or one line split at commas (`,`, `，`, `、`).",
                "anyOf": [
                    { "type": "array", "items": { "type": ["string", "number", "boolean"] } },
                    { "type": ["string", "number", "boolean", "null"] },
                ],
            },
            "referred_by": text("The id of the client who referred this one (its file name without `.md`)."),
            "revenue": {
                "type": ["object", "null"],
                "description": "Revenue per year: `2025: 1200000`. Amounts from 0 to 10^15; `1,200,000` and `¥` are accepted in text.",
                "propertyNames": { "pattern": r"^\s*-?[0-9]+\s*$" },
                "additionalProperties": {
                    "anyOf": [
                        { "type": "number", "minimum": 0, "maximum": 1e15 },
                        { "type": "string", "pattern": r"^[\s0-9.,_¥￥]+$" },
                    ],
                },
            },
            "margin": {
                "description": "Gross margin: a fraction (`0.18`) or a percentage (`18%`).",
                "anyOf": [
                    { "type": "number", "minimum": 0, "maximum": 1 },
                    { "type": "string", "pattern": r"^\s*[0-9.]+\s*%?\s*$" },
                ],
            },
            "dates": {
                "type": ["array", "null"],
                "description": "Dates to remember: `- {date: 06-18, what: mid-year supplier meeting}` (MM-DD every year, YYYY-MM-DD once or an anniversary).",
                "items": {
                    "type": "object",
                    "required": ["date"],
                    "properties": {
                        "date": yearly_once_or_lunar("MM-DD or 农历MM-DD (every year), or YYYY-MM-DD."),
                        "what": text("What the date is."),
                    },
                },
            },
            "phone": text("The client's phone number (masked unless privacy.show lists `phone`)."),
            "wechat": text("The client's WeChat ID (masked unless privacy.show lists `wechat`)."),
            "email": text("The client's e-mail address (masked unless privacy.show lists `email`)."),
            "address": text("The client's address (the company's; shown in the report)."),
            "people": {
                "type": ["array", "null"],
                "description": "The people at the client: `- name: …` with role, title, birthday and contacts; a bare name is fine too.",
                "items": {
                    "anyOf": [person, { "type": ["string", "number"] }],
                },
            },
        },
        "additionalProperties": true,
    })
}

/// The schema as pretty JSON text, ending in a newline.
pub fn text_of_schema() -> String {
    let mut s = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::fields::PERSON_KEYS;
    use crate::parse::frontmatter::CLIENT_KEYS;

    #[test]
    fn every_key_the_parser_knows_is_in_the_schema() {
        let s = schema();
        let client = s["properties"].as_object().unwrap();
        for key in CLIENT_KEYS {
            assert!(
                client.contains_key(key),
                "client key `{key}` not in the schema"
            );
            assert!(
                client[key]["description"].is_string(),
                "`{key}` has no description"
            );
        }
        let person = &client["people"]["items"]["anyOf"][0]["properties"];
        let person = person.as_object().unwrap();
        for key in PERSON_KEYS {
            assert!(
                person.contains_key(key),
                "person key `{key}` not in the schema"
            );
            assert!(
                person[key]["description"].is_string(),
                "`{key}` has no description"
            );
        }
        // And nothing the parser does not know.
        assert_eq!(client.len(), CLIENT_KEYS.len());
        assert_eq!(person.len(), PERSON_KEYS.len());
    }

    #[test]
    fn enums_follow_the_model() {
        let s = schema();
        let tiers = s["properties"]["tier"]["enum"].as_array().unwrap();
        assert_eq!(tiers.len(), Tier::ALL.len());
        for t in Tier::ALL {
            assert!(tiers.contains(&json!(t.as_str())));
        }
        let roles = &s["properties"]["people"]["items"]["anyOf"][0]["properties"]["role"]["enum"];
        for r in roles.as_array().unwrap() {
            assert!(Role::parse(r.as_str().unwrap()).is_some(), "{r}");
        }
        let kinds = &s["properties"]["cadence"]["anyOf"][1]["propertyNames"]["enum"];
        for k in kinds.as_array().unwrap() {
            let k = k.as_str().unwrap();
            assert!(k == "any" || Kind::parse(k).is_some(), "{k}");
        }
    }

    #[test]
    fn text_is_json() {
        let t = text_of_schema();
        let v: Value = serde_json::from_str(&t).unwrap();
        assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    }
}
