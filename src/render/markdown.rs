//! Markdown to safe HTML.
//!
//! Notes are untrusted: raw HTML is cleaned by ammonia, link targets other than
//! http(s), mailto and tel (and relative ones) are dropped, and images become plain
//! links (a report must not fetch anything). Chinese emphasis that CommonMark's
//! flanking rules leave as literal `**` (`**重点：**客户`) is repaired.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::parse::log::markdown_options;

/// Render a block of Markdown under an `h3` (an entry body): its headings start at `h4`.
pub fn to_html(md: &str) -> String {
    render(md, 4)
}

/// Render a block of Markdown under an `h2` (the background section): headings from `h3`.
pub fn to_html_section(md: &str) -> String {
    render(md, 3)
}

fn render(md: &str, top: u8) -> String {
    match plain_paragraphs(md) {
        Some(html) => html,
        None => parse_and_render(md, top),
    }
}

/// `render` through the parser, whatever the text.
fn parse_and_render(md: &str, top: u8) -> String {
    let events = transform(md, top);
    let has_html = events
        .iter()
        .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    let mut out = String::with_capacity(md.len() + md.len() / 2);
    pulldown_cmark::html::push_html(&mut out, events.into_iter());
    if has_html { clean(&out) } else { out }
}

/// Bytes that make a text more than plain for the parser (with tables, strikethrough
/// and task lists on): emphasis, code, links and images, autolinks and HTML, entities,
/// escapes and hard breaks, strikethrough, tables; `"`, which the parser escapes its own
/// way; and C0 controls and DEL (line feeds are looked at line by line).
const NOT_PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b != b'\n' as usize;
        b += 1;
    }
    let special = b"*_`[]<>&\\~|\"\x7f";
    let mut i = 0;
    while i < special.len() {
        table[special[i] as usize] = true;
        i += 1;
    }
    table
};

/// Does `md` hold a byte of `NOT_PLAIN`, a C1 control or U+FFFD (which the parser
/// writes for NUL)? One pass over the bytes: this runs on every entry body.
fn holds_markup(md: &str) -> bool {
    let bytes = md.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        NOT_PLAIN.get(usize::from(b)).copied().unwrap_or(true)
            || (b == 0xc2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)))
            || (b == 0xef && bytes.get(i + 1..i + 3) == Some(&[0xbf, 0xbd][..]))
    })
}

/// The HTML of a body made only of plain paragraphs, as the parser would write it, or
/// none when anything in it could mean more. Most entry bodies are a few sentences of
/// text, and a full parse of each is the largest part of a large build; for those this
/// is the same output (`plain_paragraphs_are_what_the_parser_writes` checks it) at a
/// fraction of the cost.
fn plain_paragraphs(md: &str) -> Option<String> {
    if holds_markup(md) {
        return None;
    }
    let mut out = String::with_capacity(md.len() + 16);
    let mut open = false;
    for line in md.split('\n') {
        if line.bytes().all(|b| b == b' ') {
            if open {
                out.push_str("</p>\n");
                open = false;
            }
            continue;
        }
        let first = line.chars().next()?;
        let last = line.chars().next_back()?;
        // A line's start can open a block (a list, heading, quote, code, setext
        // underline, indented code); whitespace at either end is trimmed or a break.
        if first.is_whitespace()
            || first.is_ascii_digit()
            || matches!(first, '-' | '+' | '=' | '#' | ':' | '!')
            || last.is_whitespace()
        {
            return None;
        }
        if open {
            out.push('\n');
        } else {
            out.push_str("<p>");
            open = true;
        }
        out.push_str(line);
    }
    if open {
        out.push_str("</p>\n");
    }
    Some(out)
}

/// For the fuzz targets: when the plain-paragraph fast path takes `md`, it writes what
/// the parser writes.
pub fn fast_path_agrees(md: &str) -> Result<(), String> {
    match plain_paragraphs(md) {
        Some(fast) if fast != parse_and_render(md, 4) => Err(format!(
            "the plain-paragraph fast path differs from the parser on {md:?}"
        )),
        _ => Ok(()),
    }
}

/// Render one line of inline Markdown (a heading's summary), without a wrapping block.
pub fn inline_html(md: &str) -> String {
    // Plain text (most summaries) needs escaping only, not a Markdown parse.
    if !md.contains([
        '*', '_', '`', '[', ']', '<', '>', '&', '\\', '!', '~', '#', ':', '@',
    ]) {
        return super::escape(md);
    }
    // As a heading, the text can only hold inline Markdown: `- x` stays text.
    let src = format!("# {md}");
    let html = render(&src, 0);
    html.trim_end()
        .strip_prefix("<h1>")
        .and_then(|s| s.strip_suffix("</h1>"))
        .unwrap_or(&html)
        .to_string()
}

fn clean(html: &str) -> String {
    let mut b = ammonia::Builder::default();
    b.url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        // An image would be fetched when the page opens: no tracking pixels.
        .rm_tags(["img"])
        // No `rel`: links open in the same tab, and `rel` on an `<a>` left without its
        // (unsafe) `href` would be invalid HTML.
        .link_rel(None);
    b.clean(html).to_string()
}

/// Is this link target safe to put in an `href`?
pub fn safe_url(url: &str) -> bool {
    let squeezed: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    let lower = squeezed.to_ascii_lowercase();
    match lower.find(':') {
        // A colon after `/`, `?` or `#` is not a scheme: relative link.
        Some(i) if !lower.get(..i).is_some_and(|s| s.contains(['/', '?', '#'])) => {
            ["http", "https", "mailto", "tel"].contains(&lower.get(..i).unwrap_or(""))
        }
        _ => true,
    }
}

fn transform(md: &str, top: u8) -> Vec<Event<'_>> {
    let mut out: Vec<Event<'_>> = Vec::new();
    // Whether each open link was kept (so its end tag matches).
    let mut links: Vec<bool> = Vec::new();
    // A run of literal text events, for the emphasis repair.
    let mut run: Vec<Event<'_>> = Vec::new();
    let mut run_text = String::new();
    for (event, range) in Parser::new_ext(md, markdown_options()).into_offset_iter() {
        match event {
            // Literal text only: not an escape (`\*`) or an entity (`&#42;`).
            Event::Text(t)
                if md.get(range.clone()) == Some(t.as_ref())
                    && !md.get(..range.start).is_some_and(|s| s.ends_with('\\')) =>
            {
                run_text.push_str(&t);
                run.push(Event::Text(t));
                continue;
            }
            _ => flush(&mut run, &mut run_text, &mut out),
        }
        match event {
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                title,
                id,
            }) => {
                let keep = safe_url(&dest_url);
                links.push(keep);
                if keep {
                    out.push(Event::Start(Tag::Link {
                        dest_url,
                        link_type,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                if links.pop().unwrap_or(false) {
                    out.push(Event::End(TagEnd::Link));
                }
            }
            // An image becomes a link to it, with its description as text.
            Event::Start(Tag::Image {
                dest_url,
                link_type,
                title,
                id,
            }) => {
                let keep = safe_url(&dest_url);
                links.push(keep);
                if keep {
                    out.push(Event::Start(Tag::Link {
                        dest_url,
                        link_type,
                        title,
                        id,
                    }));
                }
                out.push(Event::Text(CowStr::Borrowed("🖼 ")));
            }
            Event::End(TagEnd::Image) => {
                if links.pop().unwrap_or(false) {
                    out.push(Event::End(TagEnd::Link));
                }
            }
            // Headings inside an entry are demoted so the page outline stays sane.
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                out.push(Event::Start(Tag::Heading {
                    level: demote(level, top),
                    id,
                    classes,
                    attrs,
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                out.push(Event::End(TagEnd::Heading(demote(level, top))))
            }
            // A task box is shown, not a form control: ☐ open, ☑ done.
            Event::TaskListMarker(done) => out.push(Event::Text(CowStr::Borrowed(if done {
                "☑ "
            } else {
                "☐ "
            }))),
            other => out.push(other),
        }
    }
    flush(&mut run, &mut run_text, &mut out);
    out
}

fn flush<'a>(run: &mut Vec<Event<'a>>, text: &mut String, out: &mut Vec<Event<'a>>) {
    if text.contains('*')
        && let Some(fixed) = repair_emphasis(text)
    {
        out.extend(fixed);
        run.clear();
    } else {
        out.append(run);
    }
    text.clear();
}

/// Headings in notes become sub-headings of the page: `#` and `##` take level `top`,
/// `###` the one below, and so on (at most `h6`). `top == 0` keeps them as written.
fn demote(level: HeadingLevel, top: u8) -> HeadingLevel {
    if top == 0 {
        return level;
    }
    let n = (level as u8).max(2) - 2 + top;
    match n {
        0..=1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Turn literal `**x**` / `*x*` pairs left over by CommonMark's flanking rules into
/// emphasis. Returns None when there is nothing to repair.
fn repair_emphasis(text: &str) -> Option<Vec<Event<'static>>> {
    let mut events = Vec::new();
    let mut rest = text;
    let mut changed = false;
    while let Some(open) = rest.find('*') {
        let marker = if rest.get(open..)?.starts_with("**") {
            "**"
        } else {
            "*"
        };
        let inner_start = open + marker.len();
        let Some(close_rel) = rest.get(inner_start..)?.find(marker) else {
            break;
        };
        let inner = rest.get(inner_start..inner_start + close_rel)?;
        let valid = !inner.is_empty()
            && !inner.starts_with(char::is_whitespace)
            && !inner.ends_with(char::is_whitespace)
            && !inner.contains('*');
        if !valid {
            let skip = inner_start;
            events.push(Event::Text(CowStr::from(rest.get(..skip)?.to_string())));
            rest = rest.get(skip..)?;
            continue;
        }
        if open > 0 {
            events.push(Event::Text(CowStr::from(rest.get(..open)?.to_string())));
        }
        let (start, end) = if marker == "**" {
            (Tag::Strong, TagEnd::Strong)
        } else {
            (Tag::Emphasis, TagEnd::Emphasis)
        };
        events.push(Event::Start(start));
        events.push(Event::Text(CowStr::from(inner.to_string())));
        events.push(Event::End(end));
        changed = true;
        rest = rest.get(inner_start + close_rel + marker.len()..)?;
    }
    if !changed {
        return None;
    }
    if !rest.is_empty() {
        events.push(Event::Text(CowStr::from(rest.to_string())));
    }
    Some(events)
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_paragraphs_are_what_the_parser_writes() {
        use super::{parse_and_render, plain_paragraphs};
        // Every text the fast path takes must come out as the parser writes it.
        let check = |md: &str| -> bool {
            match plain_paragraphs(md) {
                Some(fast) => {
                    assert_eq!(fast, parse_and_render(md, 4), "{md:?}");
                    true
                }
                None => false,
            }
        };
        // The bodies most notes have are taken (else the fast path is never used).
        for body in [
            "发了会议纪要给杨娜，确认the integration timeline的下一步。 David Chen 也参加了。\n\nEmailed 杨娜 the revised quote (8k RMB).\n",
            "Short call. They're still comparing: we are in the running.",
            "one\ntwo\n\n\nthree\n   \nfour",
            "",
        ] {
            assert!(check(body), "not taken: {body:?}");
        }
        // Texts that mean more than plain paragraphs are left to the parser.
        for md in [
            "- [ ] next: 2026-07-10 call",
            "1. one",
            "# h",
            "a  \nb",
            "a\\\nb",
            "**b**",
            "a\n---",
            "a\n===",
            "> q",
            "    code",
            "\tcode",
            "a &amp; b",
            "<b>x</b>",
            "say \"hi\"",
            "a | b\n--|--",
            "~~x~~",
            "[x](y)",
            "`c`",
            "a\r\nb",
            "\u{0}",
            "\u{3000}缩进",
            "x\u{a0}",
            "a\u{85}b",
            "a\u{fffd}",
            "a\tb",
        ] {
            assert!(plain_paragraphs(md).is_none(), "taken: {md:?}");
        }
        // Texts made of pieces chosen to trip a parser, every accepted one compared.
        let pieces = [
            "a",
            "华东",
            " ",
            "\n",
            "\n\n",
            "  ",
            "'",
            "1.",
            "2)",
            "-",
            "+",
            "#",
            "=",
            ":",
            "é",
            "\u{3000}",
            "\t",
            "x y",
            "---",
            "***",
            ".",
            ",",
            "!",
            "http://x.y/z",
            "www.a.com",
            "\u{a0}",
            "\u{200b}",
            "(",
            ")",
            "{",
            "}",
            "%",
            "@王强",
            "；",
            "？",
            "$",
            "^",
            "/",
            "...",
            "--",
            "\u{feff}",
            "🙂",
            "\u{301}",
            "'s",
            "\"",
            "&",
            "<",
            "*",
        ];
        let mut seed: u64 = 7;
        let mut taken = 0;
        for _ in 0..20_000 {
            let mut md = String::new();
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            for _ in 0..(seed >> 60) + 1 {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                md.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            taken += usize::from(check(&md));
        }
        assert!(taken > 2_000, "only {taken} of the random texts were taken");
    }

    use super::*;

    #[test]
    fn chinese_emphasis_is_repaired() {
        assert_eq!(
            to_html("**重点：**客户"),
            "<p><strong>重点：</strong>客户</p>\n"
        );
        assert_eq!(
            to_html("这是**“重要”**的事"),
            "<p>这是<strong>“重要”</strong>的事</p>\n"
        );
        assert_eq!(to_html("a **b** c"), "<p>a <strong>b</strong> c</p>\n");
        assert_eq!(
            to_html("预计 **23k** 的单子。"),
            "<p>预计 <strong>23k</strong> 的单子。</p>\n"
        );
    }

    #[test]
    fn literal_asterisks_stay() {
        assert_eq!(to_html("2 * 3 * 4"), "<p>2 * 3 * 4</p>\n");
        assert_eq!(to_html(r"\*\*重点：\*\*客户"), "<p>**重点：**客户</p>\n");
        assert_eq!(
            to_html("`**重点：**客户`"),
            "<p><code>**重点：**客户</code></p>\n"
        );
    }

    #[test]
    fn scripts_never_survive() {
        let html = to_html(
            "<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)> [x](javascript:alert(1)) <a href=\"javascript:alert(2)\">y</a>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.to_lowercase().contains("javascript:"), "{html}");
        let html = to_html(
            "[x](JaVa\tScRiPt:alert(1)) [d](data:text/html;base64,xx) <javascript:alert(1)>",
        );
        // The text may stay; no link to it may.
        assert!(!html.contains("href"), "{html}");
    }

    #[test]
    fn links_and_images() {
        assert_eq!(
            to_html("[报价单](https://example.com/q.pdf)"),
            "<p><a href=\"https://example.com/q.pdf\">报价单</a></p>\n"
        );
        let html = to_html("![photo](https://example.com/p.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.com/p.png\">"),
            "{html}"
        );
    }

    #[test]
    fn inline_summary() {
        assert_eq!(
            inline_html("brought **tea** <b>x</b>"),
            "brought <strong>tea</strong> <b>x</b>"
        );
        assert_eq!(inline_html("- not a list"), "- not a list");
        assert_eq!(inline_html("a <script>x</script>"), "a ");
    }

    #[test]
    fn headings_fit_under_the_page() {
        assert_eq!(
            to_html("# a\n## b\n### c\n"),
            "<h4>a</h4>\n<h4>b</h4>\n<h5>c</h5>\n"
        );
        assert_eq!(
            to_html_section("## 背景\n### 历史\n"),
            "<h3>背景</h3>\n<h4>历史</h4>\n"
        );
    }

    #[test]
    fn task_lists_render() {
        let html = to_html("- [ ] 2026-11-16 call\n- [x] done\n");
        assert_eq!(
            html,
            "<ul>\n<li>☐ 2026-11-16 call</li>\n<li>☑ done</li>\n</ul>\n"
        );
    }
}
