//! A table of metric handles indexed by typed labels, registered once from a metric spec.

use super::{LabelValue, LatestTimestamp};
use crate::catalog::{InstrumentKind, LabelSpec, LabelValues, MetricSpec};
use metrics::{Counter, Gauge, Histogram, Key, Label, Level, Metadata};
use std::marker::PhantomData;
use std::sync::OnceLock;

/// What indexes a [`Family`]: one [`LabelValue`], a tuple of two or three, or `()` for a
/// metric without labels. A key maps to one slot in `0..COMBINATIONS`, row-major: the last
/// label varies fastest.
///
/// ```
/// use telemetry_core::probe::LabelKey;
/// telemetry_core::label_enum! {
///     /// A colour.
///     pub enum Colour: "colour", "A colour." { Red = "red", Blue = "blue" }
/// }
/// telemetry_core::label_enum! {
///     /// A size.
///     pub enum Size: "size", "A size." { Small = "small", Medium = "medium", Large = "large" }
/// }
/// assert_eq!(<(Colour, Size)>::COMBINATIONS, 6);
/// assert_eq!((Colour::Blue, Size::Small).slot(), 3);
/// assert_eq!(<(Colour, Size)>::from_slot(5), Some((Colour::Blue, Size::Large)));
/// let mut labels = Vec::new();
/// (Colour::Red, Size::Medium).for_each_label(&mut |k, v| labels.push((k, v)));
/// assert_eq!(labels, [("colour", "red"), ("size", "medium")]);
/// ```
pub trait LabelKey: Copy + 'static {
    /// How many distinct keys: the number of handles in a family.
    const COMBINATIONS: usize;

    /// The position of this key's handle in a family.
    fn slot(self) -> usize;

    /// The key whose handle is at `slot`, if there is one.
    fn from_slot(slot: usize) -> Option<Self>;

    /// Calls `f` with each label of this key: its key and its value.
    fn for_each_label(self, f: &mut dyn FnMut(&'static str, &'static str));
}

impl LabelKey for () {
    const COMBINATIONS: usize = 1;

    fn slot(self) -> usize {
        0
    }

    fn from_slot(slot: usize) -> Option<Self> {
        (slot == 0).then_some(())
    }

    fn for_each_label(self, _: &mut dyn FnMut(&'static str, &'static str)) {}
}

impl<L: LabelValue> LabelKey for L {
    const COMBINATIONS: usize = L::COUNT;

    #[inline]
    fn slot(self) -> usize {
        LabelValue::index(self)
    }

    fn from_slot(slot: usize) -> Option<Self> {
        L::from_index(slot)
    }

    fn for_each_label(self, f: &mut dyn FnMut(&'static str, &'static str)) {
        f(L::KEY, self.as_str());
    }
}

impl<A: LabelValue, B: LabelValue> LabelKey for (A, B) {
    const COMBINATIONS: usize = A::COUNT * B::COUNT;

    #[inline]
    fn slot(self) -> usize {
        self.0.index() * B::COUNT + self.1.index()
    }

    fn from_slot(slot: usize) -> Option<Self> {
        Some((
            A::from_index(slot / B::COUNT)?,
            B::from_index(slot % B::COUNT)?,
        ))
    }

    fn for_each_label(self, f: &mut dyn FnMut(&'static str, &'static str)) {
        f(A::KEY, self.0.as_str());
        f(B::KEY, self.1.as_str());
    }
}

impl<A: LabelValue, B: LabelValue, C: LabelValue> LabelKey for (A, B, C) {
    const COMBINATIONS: usize = A::COUNT * B::COUNT * C::COUNT;

    #[inline]
    fn slot(self) -> usize {
        (self.0.index() * B::COUNT + self.1.index()) * C::COUNT + self.2.index()
    }

    fn from_slot(slot: usize) -> Option<Self> {
        let (ab, c) = (slot / C::COUNT, slot % C::COUNT);
        Some((
            A::from_index(ab / B::COUNT)?,
            B::from_index(ab % B::COUNT)?,
            C::from_index(c)?,
        ))
    }

    fn for_each_label(self, f: &mut dyn FnMut(&'static str, &'static str)) {
        f(A::KEY, self.0.as_str());
        f(B::KEY, self.1.as_str());
        f(C::KEY, self.2.as_str());
    }
}

/// A metric handle a [`Family`] holds: registered with the installed `metrics` recorder.
/// `metrics`' [`Counter`], [`Gauge`] and [`Histogram`], and [`LatestTimestamp`] (a gauge that
/// only moves forward).
///
/// ```
/// use telemetry_core::catalog::{InstrumentKind, MetricSpec, Owner};
/// use telemetry_core::probe::{Family, LatestTimestamp};
/// const CATALOG_TEAM: Owner = Owner { id: "example-team", description: "The catalog." };
/// telemetry_core::label_enum! {
///     /// A source.
///     pub enum Source: "dataface.catalog.source.type", "Kind of source." { Profiles = "profiles" }
/// }
/// const LAST_SUCCESS: MetricSpec = MetricSpec {
///     name: "dataface.catalog.refresh.last_success",
///     kind: InstrumentKind::Gauge,
///     unit: "s",
///     description: "Unix time of the last successful refresh.",
///     labels: &[Source::LABEL],
///     buckets: &[],
///     owner: CATALOG_TEAM,
/// };
/// let last_success: Family<Source, LatestTimestamp> = Family::register(&LAST_SUCCESS);
/// assert!(last_success.get(Source::Profiles).advance(std::time::SystemTime::now()));
/// ```
pub trait Handle: Sized {
    /// The instrument kind the metric spec must declare.
    const KIND: InstrumentKind;

    /// Registers the handle for `key` with the installed recorder.
    fn register(key: &Key) -> Self;

    /// A handle that records nothing (for label combinations a family leaves out).
    fn noop() -> Self;
}

/// The metadata of a family's registrations (the `metrics` macros' defaults).
static METADATA: Metadata<'static> = Metadata::new(module_path!(), Level::INFO, None);

impl Handle for Counter {
    const KIND: InstrumentKind = InstrumentKind::Counter;

    fn register(key: &Key) -> Self {
        metrics::with_recorder(|r| r.register_counter(key, &METADATA))
    }

    fn noop() -> Self {
        Counter::noop()
    }
}

impl Handle for Gauge {
    const KIND: InstrumentKind = InstrumentKind::Gauge;

    fn register(key: &Key) -> Self {
        metrics::with_recorder(|r| r.register_gauge(key, &METADATA))
    }

    fn noop() -> Self {
        Gauge::noop()
    }
}

impl Handle for Histogram {
    const KIND: InstrumentKind = InstrumentKind::Histogram;

    fn register(key: &Key) -> Self {
        metrics::with_recorder(|r| r.register_histogram(key, &METADATA))
    }

    fn noop() -> Self {
        Histogram::noop()
    }
}

impl Handle for LatestTimestamp {
    const KIND: InstrumentKind = InstrumentKind::Gauge;

    fn register(key: &Key) -> Self {
        LatestTimestamp::new(Gauge::register(key))
    }

    fn noop() -> Self {
        LatestTimestamp::new(Gauge::noop())
    }
}

/// One metric's handles, one per label combination, registered once from the metric's spec
/// and indexed by typed labels (prometheus-client's `Family<Labels, Counter>`, with the
/// lookup done at registration). [`get`](Self::get) is an index computation and a slice
/// access: no hashing, no allocation.
///
/// Registration takes the labels in the spec's order: each from the key type (its
/// [`LabelValue::KEY`]) or from the fixed labels given (a release, say), so a label key is
/// never written at a call site.
///
/// ```
/// use metrics::Counter;
/// use telemetry_core::catalog::{InstrumentKind, LabelSpec, MetricSpec, Owner};
/// use telemetry_core::probe::Family;
///
/// const COMPILER_TEAM: Owner = Owner { id: "example-team", description: "The compiler." };
///
/// telemetry_core::label_enum! {
///     /// An adapter.
///     pub enum Adapter: "dataface.query.adapter", "Execution adapter." { Snowflake = "snowflake", DuckDb = "duckdb" }
/// }
/// telemetry_core::label_enum! {
///     /// How it ended.
///     pub enum Outcome: "dataface.outcome", "How the query ended." { Success = "success", Failed = "failed" }
/// }
/// const RELEASE: LabelSpec = LabelSpec::bounded("release", "The release.", 8).with_example("x");
/// const QUERIES: MetricSpec = MetricSpec {
///     name: "dataface.queries",
///     kind: InstrumentKind::Counter,
///     unit: "{query}",
///     description: "Queries run.",
///     labels: &[Adapter::LABEL, Outcome::LABEL, RELEASE],
///     buckets: &[],
///     owner: COMPILER_TEAM,
/// };
///
/// let queries: Family<(Adapter, Outcome), Counter> =
///     Family::register_with(&QUERIES, &[(&RELEASE, "2.5.0")]);
/// queries.get((Adapter::DuckDb, Outcome::Failed)).increment(1);
/// assert_eq!(queries.len(), 4);
/// ```
#[derive(Debug)]
pub struct Family<K, H> {
    handles: Box<[OnceLock<H>]>,
    spec: &'static MetricSpec,
    fixed: Box<[(&'static str, &'static str)]>,
    key: PhantomData<fn(K)>,
}

impl<K: LabelKey, H: Handle> Family<K, H> {
    /// Registers a handle for every label combination of `spec`.
    ///
    /// # Panics
    /// In debug builds, when `K` does not give exactly the spec's labels (see
    /// [`register_where`](Self::register_where)).
    pub fn register(spec: &'static MetricSpec) -> Self {
        Self::register_where(spec, &[], |_| true)
    }

    /// Registers a handle for every label combination of `spec`, each also carrying the
    /// `fixed` labels (a label of `spec` and its one value in this process).
    ///
    /// # Panics
    /// As [`register_where`](Self::register_where).
    pub fn register_with(spec: &'static MetricSpec, fixed: &[(&LabelSpec, &'static str)]) -> Self {
        Self::register_where(spec, fixed, |_| true)
    }

    /// Registers a handle for each label combination `include` accepts (the others get a
    /// handle that records nothing), each also carrying the `fixed` labels.
    ///
    /// # Panics
    /// In debug builds, when the spec and the family disagree: the spec is not of `H`'s
    /// kind, or a label of the spec comes from neither `K` nor `fixed`, or `K` or `fixed`
    /// gives a label the spec does not declare or a value outside its declared set. Every
    /// test that builds the probes catches it; a release build registers what it can.
    pub fn register_where(
        spec: &'static MetricSpec,
        fixed: &[(&LabelSpec, &'static str)],
        mut include: impl FnMut(K) -> bool,
    ) -> Self {
        debug_assert!(
            spec.kind == H::KIND,
            "{}: a {:?} family for a {:?} metric",
            spec.name,
            H::KIND,
            spec.kind
        );
        let fixed: Box<[(&'static str, &'static str)]> = fixed
            .iter()
            .map(|(label, value)| (label.key, *value))
            .collect();
        let handles = (0..K::COMBINATIONS)
            .map(|slot| match K::from_slot(slot) {
                Some(key) if include(key) => {
                    let mut labels = Vec::with_capacity(spec.labels.len());
                    key.for_each_label(&mut |k, v| labels.push((k, v)));
                    if spec.zero_initialised(&labels) {
                        OnceLock::from(H::register(&metric_key(spec, key, &fixed)))
                    } else {
                        // Registered by the first `get`: this series appears when it is
                        // first recorded.
                        if cfg!(debug_assertions) {
                            let _ = metric_key(spec, key, &fixed);
                        }
                        OnceLock::new()
                    }
                }
                _ => OnceLock::from(H::noop()),
            })
            .collect();
        Self {
            handles,
            spec,
            fixed,
            key: PhantomData,
        }
    }

    /// The handle for `key`: registered when the family was, for a label combination the
    /// spec zero-initialises ([`MetricSpec::zero_initialised`]); else registered now, on
    /// its first use, with the recorder installed at that moment.
    #[inline]
    pub fn get(&self, key: K) -> &H {
        self.handles[key.slot()]
            .get_or_init(|| H::register(&metric_key(self.spec, key, &self.fixed)))
    }

    /// How many handles are registered with the recorder so far (zero-initialised at
    /// registration or used since); left-out combinations count as registered.
    pub fn registered(&self) -> usize {
        self.handles.iter().filter(|h| h.get().is_some()).count()
    }
}

impl<K, H> Family<K, H> {
    /// How many handles (label combinations) the family holds.
    pub fn len(&self) -> usize {
        self.handles.len()
    }

    /// Whether the family holds no handle (never, for a declared label set).
    pub fn is_empty(&self) -> bool {
        self.handles.is_empty()
    }
}

/// The `metrics` key of `key`'s series: the spec's labels in order, each valued from `key`
/// or `fixed`.
fn metric_key<K: LabelKey>(
    spec: &'static MetricSpec,
    key: K,
    fixed: &[(&'static str, &'static str)],
) -> Key {
    let mut given: Vec<(&'static str, &'static str)> = Vec::with_capacity(spec.labels.len());
    key.for_each_label(&mut |k, v| given.push((k, v)));
    given.extend_from_slice(fixed);
    if cfg!(debug_assertions) {
        if let Err(mismatch) = check_labels(spec, &given) {
            panic!("{}: {mismatch}", spec.name);
        }
    }
    let labels: Vec<Label> = spec
        .labels
        .iter()
        .filter_map(|l| given.iter().find(|(k, _)| *k == l.key))
        .map(|(k, v)| Label::from_static_parts(k, v))
        .collect();
    Key::from_parts(spec.name, labels)
}

/// Whether `given` values exactly the labels of `spec`, each within its declared set.
fn check_labels(spec: &MetricSpec, given: &[(&str, &str)]) -> Result<(), String> {
    for label in spec.labels {
        let mut values = given.iter().filter(|(k, _)| *k == label.key);
        match (values.next(), values.next()) {
            (None, _) => return Err(format!("no value for the label `{}`", label.key)),
            (Some(_), Some(_)) => return Err(format!("two values for the label `{}`", label.key)),
            (Some((_, v)), None) => {
                if let LabelValues::Enumerated(declared) = label.values {
                    if !declared.contains(v) {
                        return Err(format!(
                            "`{v}` is not a declared value of the label `{}`",
                            label.key
                        ));
                    }
                }
            }
        }
    }
    match given.iter().find(|(k, _)| spec.label(k).is_none()) {
        Some((k, _)) => Err(format!("the label `{k}` is not declared")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Owner;
    use metrics_util::debugging::DebuggingRecorder;
    use metrics_util::{CompositeKey, MetricKind};
    use std::collections::BTreeSet;

    crate::label_enum! {
        /// A test colour.
        pub(crate) enum Colour: "colour", "A colour." { Red = "red", Green = "green", Blue = "blue" }
    }
    crate::label_enum! {
        /// A test size.
        pub(crate) enum Size: "size", "A size." { Small = "small", Large = "large" }
        none = "none";
    }
    crate::label_enum! {
        /// A test shape.
        pub(crate) enum Shape: "shape", "A shape." { Round = "round", Square = "square" }
    }
    const RELEASE: LabelSpec = LabelSpec::bounded("release", "The release.", 4).with_example("x");
    const TEAM: Owner = Owner {
        id: "observability-platform",
        description: "The telemetry pipeline.",
    };

    const fn spec(kind: InstrumentKind, labels: &'static [LabelSpec]) -> MetricSpec {
        MetricSpec {
            name: "dataface.test.family",
            kind,
            unit: "1",
            description: "A test family.",
            labels,
            buckets: &[],
            owner: TEAM,
        }
    }
    static THREE: MetricSpec = spec(
        InstrumentKind::Counter,
        &[Shape::LABEL, RELEASE, Colour::LABEL, <Option<Size>>::LABEL],
    );

    /// Every series the recorder saw, as (labels in order, value).
    fn series(recorder: &DebuggingRecorder) -> Vec<(Vec<(String, String)>, u64)> {
        let snapshot = recorder.snapshotter().snapshot().into_vec();
        snapshot
            .into_iter()
            .map(|(key, _, _, value)| {
                let labels = key
                    .key()
                    .labels()
                    .map(|l| (l.key().to_owned(), l.value().to_owned()))
                    .collect();
                let value = match value {
                    metrics_util::debugging::DebugValue::Counter(n) => n,
                    other => panic!("not a counter: {other:?}"),
                };
                (labels, value)
            })
            .collect()
    }

    #[test]
    fn every_combination_is_a_distinct_handle_with_the_specs_labels_in_order() {
        let recorder = DebuggingRecorder::new();
        let family: Family<(Colour, Option<Size>, Shape), Counter> =
            metrics::with_local_recorder(&recorder, || {
                Family::register_with(&THREE, &[(&RELEASE, "2.5.0")])
            });
        assert_eq!(family.len(), 3 * 3 * 2);
        let mut keys = Vec::new();
        for colour in Colour::ALL {
            for size in [Some(Size::Small), Some(Size::Large), None] {
                for shape in Shape::ALL {
                    keys.push((*colour, size, *shape));
                    // A distinct count per handle: the n-th of the walk counts n.
                    family
                        .get((*colour, size, *shape))
                        .increment(keys.len() as u64);
                }
            }
        }
        let seen = series(&recorder);
        assert_eq!(seen.len(), keys.len(), "one series per combination");
        for (n, (colour, size, shape)) in keys.iter().enumerate() {
            let expected = vec![
                ("shape".to_owned(), shape.as_str().to_owned()),
                ("release".to_owned(), "2.5.0".to_owned()),
                ("colour".to_owned(), colour.as_str().to_owned()),
                ("size".to_owned(), LabelValue::as_str(*size).to_owned()),
            ];
            let value = n as u64 + 1;
            assert!(
                seen.contains(&(expected.clone(), value)),
                "{expected:?} = {value} not in {seen:?}"
            );
        }
        let slots: BTreeSet<usize> = keys.iter().map(|k| k.slot()).collect();
        assert_eq!(slots, (0..keys.len()).collect());
    }

    #[test]
    fn keys_round_trip_through_their_index() {
        for slot in 0..<(Size, Colour)>::COMBINATIONS {
            let key = <(Size, Colour)>::from_slot(slot).unwrap();
            assert_eq!(key.slot(), slot);
        }
        assert_eq!(<(Size, Colour)>::from_slot(6), None);
        assert_eq!(<Option<Size>>::from_slot(2), Some(None));
        assert_eq!(<Option<Size>>::from_slot(3), None);
        assert_eq!(<()>::COMBINATIONS, 1);
    }

    #[test]
    fn left_out_combinations_record_nothing() {
        static TWO: MetricSpec = spec(InstrumentKind::Counter, &[Colour::LABEL, Shape::LABEL]);
        let recorder = DebuggingRecorder::new();
        let family: Family<(Colour, Shape), Counter> =
            metrics::with_local_recorder(&recorder, || {
                Family::register_where(&TWO, &[], |(c, _)| c == Colour::Red)
            });
        for c in Colour::ALL {
            for s in Shape::ALL {
                family.get((*c, *s)).increment(1);
            }
        }
        let seen = series(&recorder);
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert!(seen.iter().all(|(l, _)| l[0].1 == "red"));
    }

    #[test]
    fn only_zero_initialised_combinations_are_registered_before_their_first_use() {
        // Rules read red only: red is at 0 from the start, the rest appears when used.
        static LAZY: MetricSpec = spec(
            InstrumentKind::Counter,
            &[Colour::LABEL.zero_init(&["red"]), Shape::LABEL],
        );
        let recorder = DebuggingRecorder::new();
        metrics::with_local_recorder(&recorder, || {
            let family: Family<(Colour, Shape), Counter> = Family::register(&LAZY);
            assert_eq!(family.len(), 6);
            assert_eq!(family.registered(), 2);
            let seen = series(&recorder);
            assert_eq!(seen.len(), 2, "{seen:?}");
            assert!(
                seen.iter().all(|(l, v)| l[0].1 == "red" && *v == 0),
                "{seen:?}"
            );

            family.get((Colour::Blue, Shape::Square)).increment(2);
            family.get((Colour::Blue, Shape::Square)).increment(1);
            family.get((Colour::Red, Shape::Round)).increment(1);
            assert_eq!(family.registered(), 3);
            let seen = series(&recorder);
            assert_eq!(seen.len(), 3, "{seen:?}");
            let blue = vec![
                ("colour".to_owned(), "blue".to_owned()),
                ("shape".to_owned(), "square".to_owned()),
            ];
            assert!(seen.contains(&(blue, 3)), "{seen:?}");
        });
    }

    #[test]
    fn an_empty_zero_init_list_registers_nothing_until_used() {
        static NOTHING_READS_IT: MetricSpec =
            spec(InstrumentKind::Counter, &[Colour::LABEL.zero_init(&[])]);
        let recorder = DebuggingRecorder::new();
        metrics::with_local_recorder(&recorder, || {
            let family: Family<Colour, Counter> = Family::register(&NOTHING_READS_IT);
            assert!(series(&recorder).is_empty());
            family.get(Colour::Green).increment(1);
            assert_eq!(series(&recorder).len(), 1);
        });
    }

    #[test]
    #[should_panic(expected = "dataface.test.family: no value for the label `release`")]
    fn a_lazy_combination_is_still_checked_at_registration_in_debug_builds() {
        static LAZY_THREE: MetricSpec = spec(
            InstrumentKind::Counter,
            &[
                Shape::LABEL.zero_init(&[]),
                RELEASE,
                Colour::LABEL,
                <Option<Size>>::LABEL,
            ],
        );
        let recorder = DebuggingRecorder::new();
        metrics::with_local_recorder(&recorder, || {
            Family::<(Colour, Option<Size>, Shape), Counter>::register(&LAZY_THREE)
        });
    }

    #[test]
    fn a_label_without_a_value_is_caught() {
        let given = [("colour", "red"), ("shape", "round")];
        let err = check_labels(&THREE, &given).unwrap_err();
        assert_eq!(err, "no value for the label `release`");
        let given = [
            ("colour", "red"),
            ("shape", "round"),
            ("release", "1"),
            ("size", "none"),
            ("flavour", "sweet"),
        ];
        let err = check_labels(&THREE, &given).unwrap_err();
        assert_eq!(err, "the label `flavour` is not declared");
        let given = [
            ("colour", "purple"),
            ("shape", "round"),
            ("release", "1"),
            ("size", "none"),
        ];
        let err = check_labels(&THREE, &given).unwrap_err();
        assert_eq!(
            err,
            "`purple` is not a declared value of the label `colour`"
        );
    }

    #[test]
    #[should_panic(expected = "dataface.test.family: no value for the label `release`")]
    fn registering_without_a_spec_label_panics_in_debug_builds() {
        let recorder = DebuggingRecorder::new();
        metrics::with_local_recorder(&recorder, || {
            Family::<(Colour, Option<Size>, Shape), Counter>::register(&THREE)
        });
    }

    #[test]
    fn the_handles_register_their_kind() {
        static NONE: MetricSpec = spec(InstrumentKind::Gauge, &[]);
        let recorder = DebuggingRecorder::new();
        metrics::with_local_recorder(&recorder, || {
            let gauge: Family<(), Gauge> = Family::register(&NONE);
            gauge.get(()).set(3.0);
        });
        let snapshot = recorder.snapshotter().snapshot().into_vec();
        let (key, ..) = &snapshot[0];
        assert_eq!(
            key,
            &CompositeKey::new(MetricKind::Gauge, Key::from_name("dataface.test.family"))
        );
    }
}
