//! Simulation-based calibration (Talts, Betancourt, Simpson, Vehtari & Gelman 2018, "Validating
//! Bayesian inference algorithms with simulation-based calibration", arXiv:1804.06788): draw a
//! true parameter from the prior, simulate data, infer; over many repeats the rank of the true
//! value among L posterior draws is uniform on {0, ..., L}, and a central q credible interval
//! covers the truth in a share q of repeats.

use statrs::distribution::{Binomial, ChiSquared, ContinuousCDF, DiscreteCDF};

/// Rank of `truth` among `draws`: the number of draws below it (0..=draws.len()).
pub fn rank_of(draws: &[f64], truth: f64) -> usize {
    draws.iter().filter(|&&x| x < truth).count()
}

/// Pearson's chi-square statistic for ranks in {0..=l} pooled into `bins` equal bins
/// ((l + 1) must be divisible by `bins`), and its p-value under uniformity.
pub fn rank_uniformity(ranks: &[usize], l: usize, bins: usize) -> (f64, f64) {
    assert!(
        bins >= 2 && (l + 1).is_multiple_of(bins),
        "(L + 1) must be divisible by bins"
    );
    let per = (l + 1) / bins;
    let mut counts = vec![0usize; bins];
    for &r in ranks {
        counts[(r / per).min(bins - 1)] += 1;
    }
    let expected = ranks.len() as f64 / bins as f64;
    let chi2: f64 = counts
        .iter()
        .map(|&c| (c as f64 - expected).powi(2) / expected)
        .sum();
    let p = ChiSquared::new((bins - 1) as f64)
        .map(|d| 1.0 - d.cdf(chi2))
        .unwrap_or(0.0);
    (chi2, p)
}

/// The central `level` interval of a Binomial(n, p) count: the range a correct method's
/// number of covering repeats falls in with probability at least `level`.
pub fn binomial_interval(n: u64, p: f64, level: f64) -> (u64, u64) {
    let b = Binomial::new(p, n).expect("0 <= p <= 1");
    let a = (1.0 - level) / 2.0;
    (b.inverse_cdf(a), b.inverse_cdf(1.0 - a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_and_intervals() {
        assert_eq!(rank_of(&[1.0, 2.0, 3.0], 2.5), 2);
        assert_eq!(rank_of(&[1.0, 2.0, 3.0], 0.0), 0);
        let uniform: Vec<usize> = (0..1000).map(|i| i % 100).collect();
        let (chi2, p) = rank_uniformity(&uniform, 99, 10);
        assert_eq!(chi2, 0.0);
        assert!(p > 0.99);
        let skewed: Vec<usize> = (0..1000).map(|i| (i % 100) / 2).collect();
        assert!(rank_uniformity(&skewed, 99, 10).1 < 1e-6);
        let (lo, hi) = binomial_interval(200, 0.9, 0.99);
        assert!(lo < 180 && hi > 180 && hi <= 200);
    }
}
