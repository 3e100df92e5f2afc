//! Serialised forms of the accumulators, for the partial files of sharded runs
//! (docs/CLUSTER.md). Both ends are deter (the file's header pins the binary), so these are
//! the accumulators' own state, written exactly: `i128` fixed-point sums as decimal strings
//! (JSON readers that use doubles would round them), histograms as their layout, their
//! non-zero bins `[index, count]` in index order and, for an integer layout with values
//! beyond its last bin, `overflow`: `[value, count]` in value order (absent when empty, so
//! files without such values are unchanged).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{BinLayout, Histogram};

/// `#[serde(with = "i128_text")]`: an `i128` as a decimal string.
pub mod i128_text {
    use super::*;

    pub fn serialize<S: Serializer>(x: &i128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&x.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i128, D::Error> {
        let text = String::deserialize(d)?;
        text.parse()
            .map_err(|_| serde::de::Error::custom(format!("`{text}` is not a decimal integer")))
    }
}

/// A [`Histogram`] as written: its layout and its non-zero bins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistogramRepr {
    pub layout: BinLayout,
    pub nonzero: Vec<(usize, u64)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overflow: Vec<(u64, u64)>,
}

impl From<Histogram> for HistogramRepr {
    fn from(h: Histogram) -> Self {
        Self {
            layout: h.layout,
            nonzero: h
                .counts
                .iter()
                .enumerate()
                .filter(|&(_, &c)| c > 0)
                .map(|(i, &c)| (i, c))
                .collect(),
            overflow: h.overflow.iter().map(|(&v, &c)| (v, c)).collect(),
        }
    }
}

impl TryFrom<HistogramRepr> for Histogram {
    type Error = String;

    fn try_from(r: HistogramRepr) -> Result<Self, String> {
        let mut h = Histogram::new(r.layout);
        let len = h.counts.len();
        let mut previous: Option<usize> = None;
        for &(i, c) in &r.nonzero {
            if i >= len || previous.is_some_and(|p| i <= p) {
                return Err(format!(
                    "histogram bin indices must be increasing and below {len}"
                ));
            }
            h.n =
                h.n.checked_add(c)
                    .ok_or_else(|| "histogram counts overflow".to_string())?;
            h.counts[i] = c;
            previous = Some(i);
        }
        // The overflow: an integer layout's values above its last bin, each also counted in
        // the last bin.
        let last = len - 1;
        if !r.overflow.is_empty() && !matches!(r.layout, BinLayout::Integer { .. }) {
            return Err("only an integer histogram has an overflow".into());
        }
        let mut previous: Option<u64> = None;
        let mut total = 0u64;
        for &(v, c) in &r.overflow {
            if v <= last as u64 || previous.is_some_and(|p| v <= p) || c == 0 {
                return Err(format!(
                    "histogram overflow values must be increasing and above {last}, with counts above 0"
                ));
            }
            total = total
                .checked_add(c)
                .ok_or_else(|| "histogram counts overflow".to_string())?;
            h.overflow.insert(v, c);
            previous = Some(v);
        }
        if total > h.counts[last] {
            return Err(format!(
                "histogram overflow counts {total} values, more than its last bin's {}",
                h.counts[last]
            ));
        }
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Distribution, ExactMoments};
    use super::*;

    #[test]
    fn accumulators_round_trip_exactly() {
        let mut d = Distribution::new(BinLayout::Log {
            lo: 1e-4,
            hi: 1e6,
            bins: 500,
        });
        for x in [0.0, 1e-9, 0.3, 7.25, 1e5, 3e7] {
            d.record(x);
        }
        let text = serde_json::to_string(&d).unwrap();
        let back: Distribution = serde_json::from_str(&text).unwrap();
        assert_eq!(back, d);
        let big = ExactMoments::from_parts(3, i128::MAX - 7, i128::MAX, i128::MIN, -5);
        let back: ExactMoments =
            serde_json::from_str(&serde_json::to_string(&big).unwrap()).unwrap();
        assert_eq!(back, big);
    }

    #[test]
    fn integer_overflow_round_trips_and_is_checked() {
        let mut h = Histogram::new(BinLayout::Integer { bins: 3 });
        for k in [0, 2, 2, 5, 9, 5, 1000] {
            h.record_count(k);
        }
        let text = serde_json::to_string(&h).unwrap();
        assert!(
            text.contains(r#""overflow":[[5,2],[9,1],[1000,1]]"#),
            "{text}"
        );
        let back: Histogram = serde_json::from_str(&text).unwrap();
        assert_eq!(back, h);
        // Without values beyond the last bin, the file is as before.
        let mut small = Histogram::new(BinLayout::Integer { bins: 3 });
        small.record_count(2);
        assert_eq!(
            serde_json::to_string(&small).unwrap(),
            r#"{"layout":{"Integer":{"bins":3}},"nonzero":[[2,1]]}"#
        );
        for bad in [
            r#"{"layout":{"Integer":{"bins":3}},"nonzero":[[2,1]],"overflow":[[2,1]]}"#,
            r#"{"layout":{"Integer":{"bins":3}},"nonzero":[[2,1]],"overflow":[[5,2]]}"#,
            r#"{"layout":{"Integer":{"bins":3}},"nonzero":[[2,2]],"overflow":[[6,1],[5,1]]}"#,
            r#"{"layout":{"Linear":{"lo":0.0,"hi":1.0,"bins":3}},"nonzero":[[2,1]],"overflow":[[5,1]]}"#,
        ] {
            assert!(serde_json::from_str::<Histogram>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn damaged_histograms_are_refused() {
        let bad = r#"{"layout":{"Integer":{"bins":3}},"nonzero":[[2,1],[1,1]]}"#;
        assert!(serde_json::from_str::<Histogram>(bad).is_err());
        let bad = r#"{"layout":{"Integer":{"bins":3}},"nonzero":[[3,1]]}"#;
        assert!(serde_json::from_str::<Histogram>(bad).is_err());
    }
}
