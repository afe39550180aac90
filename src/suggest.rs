//! "Did you mean …?": edit distance between what was written and what is known.

/// Optimal-string-alignment distance (Levenshtein plus adjacent transposition),
/// counted in characters so Chinese words compare fairly.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    // Three rolling rows: two back (for transpositions), previous, current.
    let mut two_back = vec![0usize; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur = vec![0usize; width];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut best = (prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + cost);
            if i > 0 && j > 0 && a.get(i - 1) == Some(&cb) && b.get(j - 1) == Some(&ca) {
                best = best.min(two_back[j - 1] + 1);
            }
            cur[j + 1] = best;
        }
        std::mem::swap(&mut two_back, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate to `word`, if it is close enough to be a likely typo.
/// Comparison ignores ASCII case.
pub fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let w = word.to_lowercase();
    let len = w.chars().count();
    // One edit for short words, two for longer ones, never the whole word.
    let limit = match len {
        0 => return None,
        1..=2 => 1,
        3..=5 => 2,
        _ => 3,
    };
    candidates
        .into_iter()
        // Lengths further apart than the limit cannot be close: skip the distance.
        .filter(|c| c.chars().count().abs_diff(len) <= limit)
        .map(|c| (distance(&w, &c.to_lowercase()), c))
        .filter(|&(d, c)| d <= limit && d < len.max(c.chars().count()))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("vist", "visit"), 1);
        assert_eq!(distance("birthdya", "birthday"), 1);
        assert_eq!(distance("拜方", "拜访"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("same", "same"), 0);
    }

    #[test]
    fn closest_picks_likely_typos_only() {
        let kinds = ["call", "visit", "wechat", "email"];
        assert_eq!(closest("vist", kinds), Some("visit"));
        assert_eq!(closest("Wechatt", kinds), Some("wechat"));
        assert_eq!(closest("banana", kinds), None);
        assert_eq!(closest("", kinds), None);
    }
}
