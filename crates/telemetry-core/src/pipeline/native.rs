//! Prometheus native histograms on the scrape: sparse base-2 exponential buckets.
//!
//! A native histogram is one series in Prometheus, whatever the range of its samples,
//! and can be asked for the share of samples under any bound (`histogram_fraction`),
//! where a classic histogram is a series per bucket and answers exactly only at its
//! bucket boundaries. The buckets follow the Prometheus specification (and client_golang's
//! defaults): at schema `s` bucket `i` holds the samples in `(2^((i-1)/2^s), 2^(i/2^s)]`;
//! samples within [`ZERO_THRESHOLD`] of zero go to the zero bucket; the schema starts at
//! [`START_SCHEMA`] (neighbouring bounds about 9% apart, client_golang's bucket factor 1.1)
//! and drops by one, merging neighbouring buckets in pairs, whenever a histogram would hold
//! more than [`MAX_BUCKETS`] populated buckets, so memory per series stays bounded.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

/// The schema a histogram starts at: 8 buckets per power of two.
pub(crate) const START_SCHEMA: i32 = 3;

/// The coarsest schema the specification allows (16 powers of two per bucket).
const MIN_SCHEMA: i32 = -4;

/// The most populated buckets a histogram keeps before it halves its resolution
/// (client_golang's `NativeHistogramMaxBucketNumber` default).
pub(crate) const MAX_BUCKETS: usize = 160;

/// Samples at most this far from zero are counted in the zero bucket (2^-128,
/// client_golang's default).
pub(crate) const ZERO_THRESHOLD: f64 = 2.938_735_877_055_719e-39;

/// What a histogram holds at one moment: the scrape renders it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NativeSnapshot {
    /// Bucket schema (resolution).
    pub(crate) schema: i32,
    /// Samples within [`ZERO_THRESHOLD`] of zero.
    pub(crate) zero_count: u64,
    /// Populated buckets above zero: index → samples.
    pub(crate) positive: BTreeMap<i32, u64>,
    /// Populated buckets below zero: index (of the absolute value) → samples.
    pub(crate) negative: BTreeMap<i32, u64>,
    /// Every sample counted.
    pub(crate) count: u64,
    /// Their sum.
    pub(crate) sum: f64,
}

impl Default for NativeSnapshot {
    fn default() -> Self {
        Self {
            schema: START_SCHEMA,
            zero_count: 0,
            positive: BTreeMap::new(),
            negative: BTreeMap::new(),
            count: 0,
            sum: 0.0,
        }
    }
}

/// One native histogram series. A sample takes a short lock (bucket search, one map
/// update): samples of one series from many threads serialise, as they do in
/// client_golang's hot/cold scheme only at its swaps.
#[derive(Debug, Default)]
pub(crate) struct NativeBuckets(Mutex<NativeSnapshot>);

impl NativeBuckets {
    /// Counts `value`. NaN and infinities are ignored, as on the classic path.
    pub(crate) fn record(&self, value: f64) {
        if !value.is_finite() {
            return;
        }
        let mut h = self.0.lock().unwrap_or_else(|p| p.into_inner());
        h.count += 1;
        h.sum += value;
        if value.abs() <= ZERO_THRESHOLD {
            h.zero_count += 1;
            return;
        }
        let index = bucket_index(value.abs(), h.schema);
        let side = if value > 0.0 {
            &mut h.positive
        } else {
            &mut h.negative
        };
        *side.entry(index).or_insert(0) += 1;
        while h.positive.len() + h.negative.len() > MAX_BUCKETS && h.schema > MIN_SCHEMA {
            h.schema -= 1;
            h.positive = halve(&h.positive);
            h.negative = halve(&h.negative);
        }
    }

    /// The histogram now.
    pub(crate) fn snapshot(&self) -> NativeSnapshot {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// The buckets at the next coarser schema: bucket `i` becomes `ceil(i / 2)`.
fn halve(buckets: &BTreeMap<i32, u64>) -> BTreeMap<i32, u64> {
    let mut out = BTreeMap::new();
    for (&i, &n) in buckets {
        // `>>` on i32 rounds towards negative infinity: (i + 1) >> 1 == ceil(i / 2).
        *out.entry((i + 1) >> 1).or_insert(0) += n;
    }
    out
}

/// `(frac, exp)` with `v = frac * 2^exp` and `frac` in `[0.5, 1)`, for a positive normal
/// `v` (C's `frexp`). Subnormals never get here: they lie under the zero threshold.
fn frexp(v: f64) -> (f64, i32) {
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32 - 1022;
    let frac = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (frac, exp)
}

/// The index of the bucket holding `v` (> 0) at `schema`: the `i` with
/// `2^((i-1)/2^schema) < v <= 2^(i/2^schema)`, computed as client_golang does (exact at
/// the powers of two, where floating-point logarithms are not).
pub(crate) fn bucket_index(v: f64, schema: i32) -> i32 {
    let (frac, exp) = frexp(v);
    if schema > 0 {
        let bounds = &fractions()[schema as usize];
        let j = bounds.partition_point(|&b| b < frac) as i32;
        j + (exp - 1) * (1i32 << schema)
    } else {
        let mut key = exp;
        if frac == 0.5 {
            key -= 1;
        }
        let shift = -schema;
        (key + (1 << shift) - 1) >> shift
    }
}

/// For each schema from 0 to 8, the bucket bounds within one power of two as fractions in
/// `[0.5, 1)`: the `j`-th is `2^(j/2^schema - 1)` (computed once).
fn fractions() -> &'static [Vec<f64>] {
    static FRACTIONS: OnceLock<Vec<Vec<f64>>> = OnceLock::new();
    FRACTIONS.get_or_init(|| {
        (0..=8)
            .map(|schema| {
                let per_power = 1i32 << schema;
                (0..per_power)
                    .map(|j| (f64::from(j) / f64::from(per_power) - 1.0).exp2())
                    .collect()
            })
            .collect()
    })
}

/// The upper bound of bucket `index` at `schema`.
#[cfg(test)]
pub(crate) fn upper_bound(index: i32, schema: i32) -> f64 {
    (f64::from(index) / f64::from(schema).exp2()).exp2()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn powers_of_two_close_their_bucket() {
        // At schema 3, 1 is the upper bound of bucket 0 and 2 of bucket 8.
        assert_eq!(bucket_index(1.0, 3), 0);
        assert_eq!(bucket_index(2.0, 3), 8);
        assert_eq!(bucket_index(0.5, 3), -8);
        assert_eq!(bucket_index(1.000_001, 3), 1);
        // Schema 0: (1, 2] is bucket 1, (2, 4] bucket 2.
        assert_eq!(bucket_index(1.0, 0), 0);
        assert_eq!(bucket_index(2.0, 0), 1);
        assert_eq!(bucket_index(3.0, 0), 2);
        // Schema -1: (1, 4] is bucket 1, (4, 16] bucket 2.
        assert_eq!(bucket_index(4.0, -1), 1);
        assert_eq!(bucket_index(5.0, -1), 2);
        assert_eq!(bucket_index(1.0, -1), 0);
    }

    proptest! {
        #[test]
        fn every_value_lies_in_its_bucket(v in 1e-30f64..1e30, schema in -4i32..=8) {
            let i = bucket_index(v, schema);
            let (lower, upper) = (upper_bound(i - 1, schema), upper_bound(i, schema));
            // Relative slack for the bounds' own rounding.
            prop_assert!(v > lower * (1.0 - 1e-12) && v <= upper * (1.0 + 1e-12),
                "{v} in bucket {i} ({lower}, {upper}] at schema {schema}");
        }

        #[test]
        fn halving_a_histogram_is_bucketing_at_the_coarser_schema(
            values in proptest::collection::vec(1e-6f64..1e6, 1..200),
            schema in -3i32..=8,
        ) {
            let fine: BTreeMap<i32, u64> = values.iter().fold(BTreeMap::new(), |mut m, &v| {
                *m.entry(bucket_index(v, schema)).or_insert(0) += 1;
                m
            });
            let coarse: BTreeMap<i32, u64> = values.iter().fold(BTreeMap::new(), |mut m, &v| {
                *m.entry(bucket_index(v, schema - 1)).or_insert(0) += 1;
                m
            });
            prop_assert_eq!(halve(&fine), coarse);
        }
    }

    #[test]
    fn a_wide_range_halves_the_resolution_instead_of_growing_without_bound() {
        let h = NativeBuckets::default();
        // 1 µs to 1,000 s, 60 samples per power of ten: about 240 buckets at schema 3.
        for i in 0..=540 {
            h.record(10f64.powf(-6.0 + f64::from(i) / 60.0));
        }
        h.record(0.0);
        h.record(-2.0);
        h.record(f64::NAN);
        h.record(f64::INFINITY);
        let s = h.snapshot();
        assert!(s.positive.len() + s.negative.len() <= MAX_BUCKETS, "{s:?}");
        assert_eq!(
            s.schema,
            2,
            "one halving suffices: {} buckets",
            s.positive.len()
        );
        assert_eq!(s.count, 543);
        assert_eq!(s.zero_count, 1);
        assert_eq!(s.negative, BTreeMap::from([(bucket_index(2.0, 2), 1)]));
        assert_eq!(s.positive.values().sum::<u64>(), 541);
    }
}
