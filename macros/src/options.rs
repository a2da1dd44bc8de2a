//! The options inside an attribute's parentheses: `#[aio::main(debug, slow_poll_ms = 50)]`.
//!
//! Parsing accepts any comma-separated `name` or `name = value`; validation checks each
//! one against the macro's table of [`Spec`]s (unknown names, repeated names and values
//! of the wrong kind are errors on the offending tokens). It knows nothing about what
//! an option does: the macros read the validated [`Options`].

use crate::diag::{Errors, hinted, hinted_spanned};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::ext::IdentExt as _;
use syn::parse::{Parse, ParseStream, Parser as _};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Ident, Lit, Token};

/// One `name` or `name = value` as written.
struct RawOption {
    name: Ident,
    value: Option<Expr>,
}

impl Parse for RawOption {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        // `parse_any` so that the keyword `crate` is accepted as a name.
        let name = Ident::parse_any(input)?;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse()?)
        } else {
            None
        };
        Ok(RawOption { name, value })
    }
}

/// What kind of value an option takes.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// `name` alone (true) or `name = true|false`.
    Flag,
    /// `name = N`, a non-negative integer.
    Int,
    /// `crate = "path"`.
    Path,
}

/// One accepted option of a macro.
pub(crate) struct Spec {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
}

impl Spec {
    fn usage(&self) -> String {
        match self.kind {
            Kind::Flag => format!("`{}`", self.name),
            Kind::Int => format!("`{} = N`", self.name),
            Kind::Path => format!("`{} = \"path\"`", self.name),
        }
    }
}

enum Value {
    Bool(bool),
    Int(u64),
    Path(syn::Path),
}

/// The validated options of one attribute.
#[derive(Default)]
pub(crate) struct Options {
    values: Vec<(&'static str, Value)>,
}

impl Options {
    /// `Some(b)` if the flag was given (`name` is `Some(true)`).
    pub(crate) fn flag(&self, name: &str) -> Option<bool> {
        self.values.iter().find_map(|(n, v)| match v {
            Value::Bool(b) if *n == name => Some(*b),
            _ => None,
        })
    }

    pub(crate) fn int(&self, name: &str) -> Option<u64> {
        self.values.iter().find_map(|(n, v)| match v {
            Value::Int(i) if *n == name => Some(*i),
            _ => None,
        })
    }

    /// The path of the `aio` crate: `::aio` unless `crate = "path"` says otherwise.
    pub(crate) fn krate(&self) -> TokenStream {
        self.values
            .iter()
            .find_map(|(n, v)| match v {
                Value::Path(p) if *n == "crate" => Some(p.to_token_stream()),
                _ => None,
            })
            .unwrap_or_else(|| quote!(::aio))
    }
}

/// The `crate = "path"` option every macro that names runtime items accepts.
pub(crate) const CRATE: Spec = Spec {
    name: "crate",
    kind: Kind::Path,
};

/// Parses and validates `args` against `specs`. Problems go to `errors`; the options
/// that are valid are still returned, so the macro can expand as if the bad ones were
/// absent.
pub(crate) fn parse(
    attribute: &str,
    specs: &[Spec],
    args: TokenStream,
    errors: &mut Errors,
) -> Options {
    let raw = match Punctuated::<RawOption, Token![,]>::parse_terminated.parse2(args) {
        Ok(raw) => raw,
        Err(error) => {
            errors.push(error);
            return Options::default();
        }
    };
    let mut options = Options::default();
    let mut seen: Vec<String> = Vec::new();
    for option in raw {
        let name = option.name.unraw().to_string();
        let Some(spec) = specs.iter().find(|s| s.name == name) else {
            errors.push(unknown(attribute, specs, &option.name, &name));
            continue;
        };
        if seen.contains(&name) {
            errors.push(hinted(
                option.name.span(),
                format!("option `{name}` is given more than once"),
                "remove the repeated option",
            ));
            continue;
        }
        seen.push(name);
        match value(spec, option) {
            Ok(v) => options.values.push((spec.name, v)),
            Err(error) => errors.push(error),
        }
    }
    options
}

fn unknown(attribute: &str, specs: &[Spec], ident: &Ident, name: &str) -> syn::Error {
    let accepted: Vec<String> = specs.iter().map(Spec::usage).collect();
    let help = match specs.iter().find(|s| edit_distance(s.name, name) <= 2) {
        Some(close) => format!("did you mean {}?", close.usage()),
        None if accepted.is_empty() => format!("`#[{attribute}]` takes no options"),
        None => format!("`#[{attribute}]` accepts {}", accepted.join(", ")),
    };
    hinted(
        ident.span(),
        format!("unknown option `{name}` for `#[{attribute}]`"),
        help,
    )
}

fn value(spec: &Spec, option: RawOption) -> syn::Result<Value> {
    let name = spec.name;
    match (spec.kind, option.value) {
        (Kind::Flag, None) => Ok(Value::Bool(true)),
        (
            Kind::Flag,
            Some(Expr::Lit(ExprLit {
                lit: Lit::Bool(b), ..
            })),
        ) => Ok(Value::Bool(b.value)),
        (Kind::Flag, Some(other)) => Err(hinted_spanned(
            other,
            format!("option `{name}` takes `true` or `false`"),
            format!("write `{name}` or `{name} = false`"),
        )),
        (
            Kind::Int,
            Some(Expr::Lit(ExprLit {
                lit: Lit::Int(i), ..
            })),
        ) => i.base10_parse::<u64>().map(Value::Int).map_err(|_| {
            hinted(
                i.span(),
                format!("option `{name}` takes a whole number that fits in a u64"),
                format!("for example `{name} = 100`"),
            )
        }),
        (Kind::Int, Some(other)) => Err(hinted_spanned(
            other,
            format!("option `{name}` takes an integer literal"),
            format!("for example `{name} = 100`"),
        )),
        (Kind::Int, None) => Err(hinted(
            option.name.span(),
            format!("option `{name}` needs a value"),
            format!("for example `{name} = 100`"),
        )),
        (
            Kind::Path,
            Some(Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            })),
        ) => s.parse::<syn::Path>().map(Value::Path).map_err(|_| {
            hinted(
                s.span(),
                format!("option `{name}` takes a path in a string"),
                format!("for example `{name} = \"my_aio\"`"),
            )
        }),
        (Kind::Path, Some(other)) => Err(hinted_spanned(
            other,
            format!("option `{name}` takes a path in a string literal"),
            format!("for example `{name} = \"my_aio\"`"),
        )),
        (Kind::Path, None) => Err(hinted(
            option.name.span(),
            format!("option `{name}` needs a value"),
            format!("for example `{name} = \"my_aio\"`"),
        )),
    }
}

/// Levenshtein distance, for "did you mean" hints on short option names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[Spec] = &[
        Spec {
            name: "debug",
            kind: Kind::Flag,
        },
        Spec {
            name: "slow_poll_ms",
            kind: Kind::Int,
        },
        CRATE,
    ];

    fn run(args: TokenStream) -> (Options, Option<String>) {
        let mut errors = Errors::default();
        let options = parse("aio::main", SPECS, args, &mut errors);
        (options, errors.finish().map(|e| e.to_string()))
    }

    #[test]
    fn reads_every_kind() {
        let (o, e) = run(quote!(debug = false, slow_poll_ms = 250, crate = "my::aio"));
        assert_eq!(e, None);
        assert_eq!(o.flag("debug"), Some(false));
        assert_eq!(o.int("slow_poll_ms"), Some(250));
        assert_eq!(o.krate().to_string(), "my :: aio");
        let (o, _) = run(quote!(debug));
        assert_eq!(o.flag("debug"), Some(true));
        assert_eq!(o.int("slow_poll_ms"), None);
        assert_eq!(o.krate().to_string(), ":: aio");
    }

    #[test]
    fn rejects_unknown_repeated_and_mistyped() {
        let (o, e) = run(quote!(debgu));
        assert!(e.unwrap().contains("did you mean `debug`?"));
        assert_eq!(o.flag("debug"), None);
        let (o, e) = run(quote!(debug, debug = false));
        assert!(e.unwrap().contains("more than once"));
        assert_eq!(o.flag("debug"), Some(true));
        let (_, e) = run(quote!(slow_poll_ms = "fast"));
        assert!(e.unwrap().contains("integer literal"));
        let (_, e) = run(quote!(slow_poll_ms));
        assert!(e.unwrap().contains("needs a value"));
        let (_, e) = run(quote!(crate = "not a path"));
        assert!(e.unwrap().contains("path in a string"));
        let (_, e) = run(quote!(zzz));
        assert!(e.unwrap().contains("accepts `debug`, `slow_poll_ms = N`"));
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("debug", "debug"), 0);
        assert_eq!(edit_distance("debug", "debgu"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
