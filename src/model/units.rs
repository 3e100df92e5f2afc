//! The model's currency unit: every currency figure of a scenario as a multiple of one
//! reference GDP, so that the scenario's choice of unit changes no number at all.
//!
//! A scenario's currency figures (a country's `economic.gdp`, `military.budget` and a given
//! `military.capability`; a power's and a deployment's `capability`; a policy's value set or
//! added to one of them) are in the unit its author chose: billions, millions, dollars or
//! euros. The model's equations are homogeneous of degree zero in them (capabilities enter
//! only through ratios, economic costs through shares of GDP: docs/MODEL.md 7.3), so the
//! unit changes nothing mathematically; in floating point, though, `2200.0 * x` and
//! `2.2 * x` round differently, and a figure written in millions gave other bits than the
//! same figure in billions. The model therefore reads each figure `x` as
//!
//! `x / G`, rounded once to the nearest double (ties to even),
//!
//! where `G` is the **reference GDP**: the largest start GDP among the countries the runs
//! simulate (those [`crate::engine::relevance`] keeps, so pruning changes nothing), and the
//! quotient is taken exactly between the two figures' decimal values: each figure is the
//! decimal its shortest round-trip representation writes (`2.2`, not the binary value nearest
//! to it), and the exact rational quotient of the two decimals is rounded once
//! (`num_rational`'s correctly rounded conversion). Scaling every currency figure by the same
//! decimal factor (1000 for billions to millions, 0.92 for dollars to euros), written out
//! exactly, scales both decimals by it and leaves every quotient, hence every state variable
//! and every outcome of every run, the same to the bit (tests/validation.rs, group 6). Derived
//! values (the budget's share of GDP, a capability derived from the budget) are computed
//! again from the quotients. The one output in currency, a run's GDP lost, is converted
//! back by multiplying by `G`.
//!
//! Limits: a figure given with more than 15 significant digits is read as the decimal its
//! double rounds to, so its scaled copy may not be the exact multiple; a policy change that
//! reaches the limit of a currency figure's range is clamped at the limit's quotient.

use crate::scenario::{ChangeOp, Scenario};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::ToPrimitive;

/// The decimal a finite `x >= 0` is written as by its shortest round-trip representation:
/// `(m, e)` with `x` read as `m * 10^e`, `m` without trailing zeros (0 for zero).
/// `2.2 -> (22, -1)`, `2200.0 -> (22, 2)`, `0.162 -> (162, -3)`.
pub fn decimal_of(x: f64) -> (u64, i32) {
    if x == 0.0 {
        return (0, 0);
    }
    // `{:e}` writes the shortest decimal that reads back as `x`: "2.2e3", "1.62e-1", "5e0".
    let text = format!("{:e}", x.abs());
    let (digits, exponent) = text.split_once('e').expect("`{:e}` writes an exponent");
    let exponent: i32 = exponent.parse().expect("an integer exponent");
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mut m: u64 = format!("{whole}{fraction}")
        .parse()
        .expect("at most 17 significant digits");
    let mut e = exponent - fraction.len() as i32;
    while m.is_multiple_of(10) {
        m /= 10;
        e += 1;
    }
    (m, e)
}

/// `x / reference` as the model reads a currency figure ([module docs](self)): the nearest
/// double to the exact quotient of the two figures' decimals ([`decimal_of`]). `x` finite and
/// non-negative, `reference` finite and positive (a validated GDP); 0 for `x == 0`.
pub fn in_reference_units(x: f64, reference: f64) -> f64 {
    let (mx, ex) = decimal_of(x);
    if mx == 0 {
        return 0.0;
    }
    let (mr, er) = decimal_of(reference);
    let ten = BigInt::from(10u8);
    let (mut numerator, mut denominator) = (BigInt::from(mx), BigInt::from(mr));
    let shift = ex - er;
    if shift >= 0 {
        numerator *= ten.pow(shift as u32);
    } else {
        denominator *= ten.pow(shift.unsigned_abs());
    }
    let q = BigRational::new(numerator, denominator)
        .to_f64()
        .expect("a ratio of two positive integers converts");
    if x < 0.0 { -q } else { q }
}

/// The reference GDP `G` of `s` ([module docs](self)): the largest start GDP among the
/// countries [`crate::engine::relevance::Relevance::all_outputs`] keeps, or among all its
/// countries if it keeps none (a scenario without rivalries has no output the unit could
/// change); 1 for a scenario without countries.
pub fn reference_gdp(s: &Scenario) -> f64 {
    let kept = crate::engine::relevance::Relevance::all_outputs(s);
    let largest = |keep: &dyn Fn(usize) -> bool| {
        s.countries
            .iter()
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .map(|(_, c)| c.economic.gdp)
            .fold(None, |m: Option<f64>, g| Some(m.map_or(g, |m| m.max(g))))
    };
    largest(&|i| kept.countries[i])
        .or_else(|| largest(&|_| true))
        .filter(|g| g.is_finite() && *g > 0.0)
        .unwrap_or(1.0)
}

/// Whether a parameter of this unit (a [`crate::scenario::params::FieldSpec::unit`]) is a
/// currency figure: "currency unit", "currency unit/yr".
pub fn is_currency(unit: &str) -> bool {
    unit.starts_with("currency")
}

/// `s` with every currency figure in units of its reference GDP ([`reference_gdp`], returned
/// beside it) and its derived values computed again from them: what the model simulates.
/// Policies' `set` and `add` values of currency figures are converted too (`scale` factors
/// have no unit).
pub fn in_model_units(s: &Scenario) -> (Scenario, f64) {
    let g = reference_gdp(s);
    let mut out = s.clone();
    let per = |x: f64| in_reference_units(x, g);
    for c in &mut out.countries {
        c.economic.gdp = per(c.economic.gdp);
        c.military.budget = per(c.military.budget);
        if c.capability_given {
            c.military.capability = per(c.military.capability);
        }
    }
    for p in &mut out.powers {
        p.params.capability = per(p.params.capability);
    }
    for d in &mut out.deployments {
        d.params.capability = per(d.params.capability);
    }
    for p in &mut out.policies {
        for ch in &mut p.changes {
            if is_currency(ch.target.spec().unit) {
                ch.op = match ch.op {
                    ChangeOp::Set(v) => ChangeOp::Set(per(v)),
                    ChangeOp::Add(v) => ChangeOp::Add(per(v)),
                    scale @ ChangeOp::Scale(_) => scale,
                };
            }
        }
    }
    out.derive();
    (out, g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_the_shortest_representation_without_trailing_zeros() {
        assert_eq!(decimal_of(2.2), (22, -1));
        assert_eq!(decimal_of(2200.0), (22, 2));
        assert_eq!(decimal_of(0.162), (162, -3));
        assert_eq!(decimal_of(5.0), (5, 0));
        assert_eq!(decimal_of(0.1 + 0.2), (30000000000000004, -17));
        assert_eq!(decimal_of(0.0), (0, 0));
    }

    /// The quotient is the same double whatever decimal factor scales both figures, and the
    /// nearest one to the exact quotient (11/69 by the correctly rounded division of two
    /// integers that are exact in a double).
    #[test]
    fn quotients_are_exact_and_scale_free() {
        let q = in_reference_units(1.1, 6.9);
        assert_eq!(q, 11.0 / 69.0);
        assert_eq!(in_reference_units(1100.0, 6900.0), q);
        assert_eq!(in_reference_units(1.012, 6.348), q);
        assert_eq!(in_reference_units(1.21, 7.59), q);
        assert_eq!(in_reference_units(0.0011, 0.0069), q);
        // The division of the doubles themselves differs with the unit (1.1 / 6.9 is one
        // double above the exact quotient, 1100 / 6900 is not), which is why the quotient is
        // taken between decimals.
        assert_ne!(1.1 / 6.9, q);
        assert_eq!(1100.0 / 6900.0, q);
        assert_eq!(in_reference_units(7.5, 7.5), 1.0);
        assert_eq!(in_reference_units(0.0, 7.5), 0.0);
    }
}
