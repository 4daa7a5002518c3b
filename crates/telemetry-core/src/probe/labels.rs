//! Label enums: each knows its label key, its description and its values, so the catalog's
//! [`LabelSpec`] and the handle index come from one declaration.

use crate::catalog::LabelSpec;

/// A bounded metric label: a closed set of values under one key.
///
/// Implemented by [`label_enum!`](crate::label_enum), [`relabel!`](crate::relabel) and
/// [`error_codes!`](crate::error_codes) types, and by `Option<L>` for an `L` declared with
/// a `none` value ([`WithNone`]).
///
/// ```
/// use telemetry_core::probe::LabelValue;
///
/// telemetry_core::label_enum! {
///     /// A compile stage.
///     pub enum Stage: "dataface.compile.stage", "Compile stage where the error arose (`none`: outside any stage)." {
///         /// YAML parsing.
///         Parse = "parse",
///         /// Query resolution.
///         Resolve = "resolve",
///     }
///     none = "none";
/// }
/// assert_eq!(<Option<Stage>>::VALUES, &["parse", "resolve", "none"]);
/// assert_eq!(LabelValue::index(None::<Stage>), 2);
/// assert_eq!(LabelValue::as_str(Some(Stage::Resolve)), "resolve");
/// assert_eq!(<Option<Stage>>::LABEL.key, "dataface.compile.stage");
/// ```
pub trait LabelValue: Copy + Eq + std::fmt::Debug + 'static {
    /// The label key (`outcome`, `error.type`).
    const KEY: &'static str;
    /// What the label says, for the catalog.
    const DESCRIPTION: &'static str;
    /// The label values, in index order.
    const VALUES: &'static [&'static str];
    /// How many values.
    const COUNT: usize = Self::VALUES.len();
    /// The catalog's label: key, description and values.
    const LABEL: LabelSpec = LabelSpec::enumerated(Self::KEY, Self::DESCRIPTION, Self::VALUES);

    /// The position of this value in [`Self::VALUES`].
    fn index(self) -> usize;

    /// The value at `index`, if there is one.
    fn from_index(index: usize) -> Option<Self>;

    /// The label value.
    fn as_str(self) -> &'static str {
        Self::VALUES[self.index()]
    }
}

/// A label enum with one more value meaning "none of them", so `Option<Self>` is a label:
/// `None` takes the extra value. Declared with `none = ".."` in
/// [`label_enum!`](crate::label_enum).
pub trait WithNone: LabelValue {
    /// The value of `None`.
    const NONE: &'static str;
    /// [`LabelValue::VALUES`], then [`Self::NONE`].
    const VALUES_WITH_NONE: &'static [&'static str];
}

impl<L: WithNone> LabelValue for Option<L> {
    const KEY: &'static str = L::KEY;
    const DESCRIPTION: &'static str = L::DESCRIPTION;
    const VALUES: &'static [&'static str] = L::VALUES_WITH_NONE;

    fn index(self) -> usize {
        self.map_or(L::COUNT, L::index)
    }

    fn from_index(index: usize) -> Option<Self> {
        if index < L::COUNT {
            L::from_index(index).map(Some)
        } else {
            (index == L::COUNT).then_some(None)
        }
    }
}

/// Declares a label enum: its label key and description, then each variant with its value
/// (a literal, or any constant `&str` such as another enum's value). An optional
/// `none = ".."` after the body makes `Option<Self>` a label too ([`WithNone`]).
///
/// The enum gets `KEY`, `LABEL` (the catalog's [`LabelSpec`]), `ALL`, `VALUES`, `COUNT`,
/// `as_str()`, `index()`, [`LabelValue`] and `Display`.
///
/// ```
/// telemetry_core::label_enum! {
///     /// How a compile ended.
///     pub enum Outcome: "dataface.outcome", "How the operation ended." {
///         /// Compiled cleanly.
///         Success = "success",
///         /// Failed with an error code.
///         Failed = "failed",
///     }
/// }
/// assert_eq!(Outcome::KEY, "dataface.outcome");
/// assert_eq!(Outcome::VALUES, &["success", "failed"]);
/// assert_eq!(Outcome::LABEL.description, "How the operation ended.");
/// assert_eq!(Outcome::Failed.as_str(), "failed");
/// assert_eq!(Outcome::Failed.index(), 1);
/// assert_eq!(Outcome::COUNT, 2);
/// ```
#[macro_export]
macro_rules! label_enum {
    (@none $name:ident [$($value:expr),+]) => {};
    (@none $name:ident [$($value:expr),+] none = $none:expr $(;)?) => {
        impl $crate::probe::WithNone for $name {
            const NONE: &'static str = $none;
            const VALUES_WITH_NONE: &'static [&'static str] = &[$($value,)+ $none];
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : $key:expr, $description:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $value:expr ),+ $(,)?
        }
        $($rest:tt)*
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        #[allow(dead_code)] // The generated API: a crate-private label uses part of it.
        impl $name {
            /// The label key.
            $vis const KEY: &'static str = $key;
            /// The catalog's label: key, description and values.
            $vis const LABEL: $crate::catalog::LabelSpec =
                $crate::catalog::LabelSpec::enumerated($key, $description, Self::VALUES);
            /// Every value, in declaration order.
            $vis const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The label values, in declaration order (for the catalog).
            $vis const VALUES: &'static [&'static str] = &[$($value),+];
            /// How many values.
            $vis const COUNT: usize = Self::ALL.len();

            /// The label value.
            $vis const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value),+ }
            }

            /// The position in [`Self::ALL`]: the index of this value's handle.
            $vis const fn index(self) -> usize {
                self as usize
            }
        }

        impl $crate::probe::LabelValue for $name {
            const KEY: &'static str = $key;
            const DESCRIPTION: &'static str = $description;
            const VALUES: &'static [&'static str] = $name::VALUES;

            fn index(self) -> usize {
                self as usize
            }

            fn from_index(index: usize) -> Option<Self> {
                $name::ALL.get(index).copied()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        $crate::label_enum!(@none $name [$($value),+] $($rest)*);
    };
}

/// Declares a label that takes another label's values under its own key (a contract
/// version as `from_version` and as `to_version`): a newtype implementing [`LabelValue`].
///
/// ```
/// telemetry_core::label_enum! {
///     /// A lifecycle state.
///     pub enum State: "dataface.cloud.project.state", "Lifecycle state." { Active = "active", Deleted = "deleted" }
/// }
/// telemetry_core::relabel! {
///     /// The state a transition left.
///     pub struct From(State): "dataface.cloud.project.from", "Lifecycle state the project was in.";
/// }
/// assert_eq!(From::LABEL.key, "dataface.cloud.project.from");
/// assert_eq!(From::LABEL.values, State::LABEL.values);
/// use telemetry_core::probe::LabelValue;
/// assert_eq!(From(State::Deleted).as_str(), "deleted");
/// ```
#[macro_export]
macro_rules! relabel {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident($inner:ty): $key:expr, $description:literal;
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis struct $name($vis $inner);

        #[allow(dead_code)] // The generated API: a crate-private label uses part of it.
        impl $name {
            /// The label key.
            $vis const KEY: &'static str = $key;
            /// The catalog's label: key, description and values.
            $vis const LABEL: $crate::catalog::LabelSpec = $crate::catalog::LabelSpec::enumerated(
                $key,
                $description,
                <$inner as $crate::probe::LabelValue>::VALUES,
            );
        }

        impl $crate::probe::LabelValue for $name {
            const KEY: &'static str = $key;
            const DESCRIPTION: &'static str = $description;
            const VALUES: &'static [&'static str] = <$inner as $crate::probe::LabelValue>::VALUES;

            fn index(self) -> usize {
                $crate::probe::LabelValue::index(self.0)
            }

            fn from_index(index: usize) -> Option<Self> {
                <$inner as $crate::probe::LabelValue>::from_index(index).map($name)
            }
        }
    };
}

/// Declares a surface's error codes: the enum, its catalog entries, and the `error.type`
/// label (key [`ERROR_TYPE`](crate::errors::ERROR_TYPE), the description given after the
/// surface, the codes as values).
///
/// ```
/// use telemetry_core::catalog::{ErrorClass::*, Owner, Severity::*};
/// const COMPILER_TEAM: Owner = Owner { id: "example-team", description: "The compiler." };
/// telemetry_core::error_codes! {
///     /// Why a compile failed.
///     pub enum CompileError for "compiler", "The compiler error code." {
///         /// The chart's query is not defined.
///         UnknownQuery = "unknown_query", User, retryable: false, Error, COMPILER_TEAM,
///             "A chart references a query the contract does not define.",
///             "Define the query under `queries:` or fix the chart's `query:` name.";
///     }
/// }
/// use telemetry_core::errors::ErrorCode;
/// assert_eq!(CompileError::UnknownQuery.code(), "unknown_query");
/// assert_eq!(CompileError::CODES, &["unknown_query"]);
/// assert_eq!(CompileError::LABEL.key, "error.type");
/// assert_eq!(CompileError::SPECS[0].remedy.starts_with("Define"), true);
/// ```
///
/// Several surfaces' enums can share one invocation, headed by `const NAME;`: `NAME` is
/// then every code of them all, in declaration order (a section's `error_codes`).
///
/// ```
/// use telemetry_core::catalog::{ErrorClass::*, Owner, Severity::*};
/// const PLATFORM: Owner = Owner { id: "integrations-platform", description: "Integrations." };
/// telemetry_core::error_codes! {
///     /// Every code of the section.
///     pub const ERROR_CODES;
///     /// Why a deployment failed.
///     pub enum DeployError for "integrations", "The deployment error code." {
///         /// The rollout failed.
///         DeployFailed = "deploy_failed", Dependency, retryable: true, Error, PLATFORM,
///             "The rollout failed.", "Retry.";
///     }
///     /// Why a webhook failed.
///     pub enum WebhookError for "integrations", "The webhook error code." {
///         /// A bad signature.
///         SignatureInvalid = "webhook_signature_invalid", Configuration, retryable: false,
///             Warning, PLATFORM, "A bad signature.", "Check the secret.";
///     }
/// }
/// let codes: Vec<_> = ERROR_CODES.iter().map(|c| c.code).collect();
/// assert_eq!(codes, ["deploy_failed", "webhook_signature_invalid"]);
/// ```
#[macro_export]
macro_rules! error_codes {
    (
        $(#[$all_meta:meta])*
        $all_vis:vis const $all:ident;
        $(
            $(#[$meta:meta])*
            $vis:vis enum $name:ident for $surface:literal, $description:literal {
                $(
                    $(#[$vmeta:meta])*
                    $variant:ident = $code:literal, $class:ident, retryable: $retry:literal,
                    $severity:ident, $owner:expr, $summary:literal, $remedy:literal;
                )+
            }
        )+
    ) => {
        $(
            $crate::error_codes! {
                $(#[$meta])*
                $vis enum $name for $surface, $description {
                    $(
                        $(#[$vmeta])*
                        $variant = $code, $class, retryable: $retry,
                        $severity, $owner, $summary, $remedy;
                    )+
                }
            }
        )+

        $(#[$all_meta])*
        $all_vis const $all: &[$crate::catalog::ErrorCodeSpec] =
            &[$($($name::SPECS[$name::$variant as usize]),+),+];
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident for $surface:literal, $description:literal {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $code:literal, $class:ident, retryable: $retry:literal,
                $severity:ident, $owner:expr, $summary:literal, $remedy:literal;
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        #[allow(dead_code)] // The generated API: a crate-private label uses part of it.
        impl $name {
            /// The label key: `error.type`.
            $vis const KEY: &'static str = $crate::errors::ERROR_TYPE;
            /// The catalog's `error.type` label: every code.
            $vis const LABEL: $crate::catalog::LabelSpec = $crate::catalog::LabelSpec::enumerated(
                $crate::errors::ERROR_TYPE,
                $description,
                Self::CODES,
            );
            /// Every code, in declaration order.
            $vis const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The code strings (the `error.type` label values).
            $vis const CODES: &'static [&'static str] = &[$($code),+];
            /// How many codes.
            $vis const COUNT: usize = Self::ALL.len();
            /// The catalog entries, in declaration order.
            $vis const SPECS: &'static [$crate::catalog::ErrorCodeSpec] = &[$(
                $crate::catalog::ErrorCodeSpec {
                    code: $code,
                    surface: $surface,
                    class: $crate::catalog::ErrorClass::$class,
                    retryable: $retry,
                    severity: $crate::catalog::Severity::$severity,
                    owner: $owner,
                    summary: $summary,
                    remedy: $remedy,
                }
            ),+];

            /// The code string, in a constant context.
            $vis const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The position in [`Self::ALL`]: the index of this code's handles.
            $vis const fn index(self) -> usize {
                self as usize
            }
        }

        impl $crate::errors::ErrorCode for $name {
            fn spec(self) -> &'static $crate::catalog::ErrorCodeSpec {
                &Self::SPECS[self as usize]
            }
        }

        impl $crate::probe::LabelValue for $name {
            const KEY: &'static str = $crate::errors::ERROR_TYPE;
            const DESCRIPTION: &'static str = $description;
            const VALUES: &'static [&'static str] = $name::CODES;

            fn index(self) -> usize {
                self as usize
            }

            fn from_index(index: usize) -> Option<Self> {
                $name::ALL.get(index).copied()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Declares a label enum whose values are some codes of an [`error_codes!`](crate::error_codes)
/// enum (the `error.type` label of a metric that counts only those): each variant names its
/// code, and the enum gets what [`label_enum!`](crate::label_enum) gives plus `code()` and
/// `From<Self>` for the codes' enum. No code string is written twice.
///
/// ```
/// use telemetry_core::catalog::{ErrorClass::*, Owner, Severity::*};
/// const CLOUD: Owner = Owner { id: "cloud-suite", description: "The Cloud Suite." };
/// telemetry_core::error_codes! {
///     /// The Cloud Suite's codes.
///     pub enum CloudError for "cloud", "The cloud error code." {
///         /// An account exists.
///         AccountAlreadyExists = "account_already_exists", User, retryable: false, Info,
///             CLOUD, "An account exists.", "Sign in.";
///         /// A quota was reached.
///         QuotaExceeded = "quota_exceeded", User, retryable: false, Warning, CLOUD,
///             "A quota was reached.", "Upgrade.";
///     }
/// }
/// telemetry_core::error_subset! {
///     /// Why an account creation failed.
///     pub enum AccountFailure: CloudError, "Why the account creation failed." {
///         /// An account exists.
///         AlreadyExists = AccountAlreadyExists,
///     }
/// }
/// assert_eq!(AccountFailure::VALUES, &["account_already_exists"]);
/// assert_eq!(AccountFailure::LABEL.key, "error.type");
/// assert_eq!(CloudError::from(AccountFailure::AlreadyExists), CloudError::AccountAlreadyExists);
/// ```
#[macro_export]
macro_rules! error_subset {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : $codes:ident, $description:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:ident ),+ $(,)?
        }
    ) => {
        $crate::label_enum! {
            $(#[$meta])*
            $vis enum $name: $crate::errors::ERROR_TYPE, $description {
                $( $(#[$vmeta])* $variant = $codes::$code.as_str() ),+
            }
        }

        #[allow(dead_code)] // The generated API: a crate-private label uses part of it.
        impl $name {
            /// The error code.
            $vis const fn code(self) -> $codes {
                match self { $($name::$variant => $codes::$code),+ }
            }
        }

        impl From<$name> for $codes {
            fn from(value: $name) -> Self {
                value.code()
            }
        }
    };
}
