//! Generated PromQL, read with `promql-parser`: every expression parses, and the series and
//! label matchers it selects can be listed.
#![allow(dead_code)]

use promql_parser::parser::{self, Expr, VectorSelector};
use promql_parser::util::{walk_expr, ExprVisitor};
use std::collections::BTreeSet;

/// A selector of an expression: the series name and the labels it matches on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Selected {
    pub(crate) name: String,
    pub(crate) labels: BTreeSet<String>,
}

struct Collect(Vec<Selected>);

fn selected(vs: &VectorSelector) -> Selected {
    Selected {
        name: vs.name.clone().unwrap_or_default(),
        labels: vs
            .matchers
            .matchers
            .iter()
            .map(|m| m.name.clone())
            .filter(|n| n != "__name__")
            .collect(),
    }
}

impl ExprVisitor for Collect {
    type Error = String;

    fn pre_visit(&mut self, expr: &Expr) -> Result<bool, String> {
        match expr {
            Expr::VectorSelector(vs) => self.0.push(selected(vs)),
            Expr::MatrixSelector(ms) => self.0.push(selected(&ms.vs)),
            _ => {}
        }
        Ok(true)
    }
}

/// Parses `expr` (panicking with the parser's message and the expression when it does not
/// parse) and returns every series it selects.
#[track_caller]
pub(crate) fn selectors(expr: &str) -> Vec<Selected> {
    let ast = parser::parse(expr)
        .unwrap_or_else(|e| panic!("generated PromQL does not parse: {e}\n{expr}"));
    let mut collect = Collect(Vec::new());
    walk_expr(&mut collect, &ast).expect("collecting selectors never fails");
    collect.0
}
