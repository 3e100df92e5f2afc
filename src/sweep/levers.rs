//! Levers x futures: a set of policies crossed with futures, on common random numbers.
//!
//! A sweep with `[[policy]]` tables evaluates every policy in every future of its design
//! (the design's parameters are the uncertainties). Point `k` is future `f = k % F` under
//! policy `p = k / F` (F futures), so the rows come policy by policy. Run `i` of point
//! `(p, f)` draws from stream `f * runs + i`: every policy meets the same futures **and**
//! the same random streams in each future (common random numbers, as `deter compare`), while
//! different futures stay independent samples. The robustness table over futures
//! ([`crate::rdm::robust`]) compares policies within each future, which is what the pairing
//! makes precise.
//!
//! Sources: Lempert, Popper & Bankes (2003), RAND MR-1626, ch. 5 (policies crossed with an
//! ensemble of futures); Kwakkel (2017), Environmental Modelling & Software 96 (the EMA
//! Workbench's `perform_experiments(policies, scenarios)`).

use crate::scenario::{ParamRef, Scenario};

use super::spec::Sweep;

/// One policy of a levers x futures sweep: a scenario to run the futures on.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyOption {
    /// Its id in the results (`policy` column).
    pub id: String,
    /// The overlay file it came from (relative to the sweep file), if any.
    pub file: Option<String>,
    /// (path, value) lever settings applied on top of the base or overlay.
    pub settings: Vec<(String, f64)>,
    /// The validated scenario with the settings applied.
    pub scenario: Scenario,
    /// The sweep's parameters resolved against `scenario` (an overlay may number its
    /// entities differently from the base).
    pub targets: Vec<ParamRef>,
}

/// The policies of a levers x futures sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossing {
    pub policies: Vec<PolicyOption>,
    /// Futures per policy: the number of points of the design proper.
    pub futures: u64,
    /// (outcome, value): report the share of futures meeting it (`satisficing`).
    pub thresholds: Vec<(String, f64)>,
}

impl Sweep {
    /// Number of policies crossed with the futures (1 for an ordinary sweep).
    pub fn policy_count(&self) -> u64 {
        self.crossing
            .as_ref()
            .map_or(1, |c| c.policies.len() as u64)
    }

    /// The policy and future of point `k`, if the sweep has policies.
    pub fn policy_of(&self, k: u64) -> Option<(&PolicyOption, u64)> {
        let c = self.crossing.as_ref()?;
        let f = c.futures.max(1);
        c.policies.get((k / f) as usize).map(|p| (p, k % f))
    }

    /// The scenario point `k` varies and the paths it sets (base, or the point's policy).
    pub fn scenario_of(&self, k: u64) -> (&Scenario, Vec<ParamRef>) {
        match self.policy_of(k) {
            Some((p, _)) => (&p.scenario, p.targets.clone()),
            None => (
                &self.base,
                self.parameters.iter().map(|p| p.target).collect(),
            ),
        }
    }

    /// The first random stream of point `k`'s runs, `stride` runs per point: `f * stride`
    /// for future f with policies (common random numbers across policies), 0 with
    /// `common_random_numbers`, `k * stride` otherwise.
    pub fn stream_offset(&self, k: u64, stride: u64) -> u64 {
        if let Some((_, f)) = self.policy_of(k) {
            f * stride
        } else if self.common_random_numbers {
            0
        } else {
            k * stride
        }
    }
}
