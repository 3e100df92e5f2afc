//! `exp` and `ln` without the C library's `errno` wrapper, bit for bit the same values.
//!
//! On x86_64 Linux with glibc, `f64::exp` calls glibc's `exp` (symbol version GLIBC_2.29), a
//! wrapper that calls the exponential proper (`__exp_finite`, an ifunc resolving to the FMA or
//! SSE2 kernel), returns its result unchanged, and sets `errno` on overflow and underflow
//! (about 16 instructions a call; a baseline run makes about 450 calls: the GDP growth
//! factors, the game solutions and the balance probabilities). Nothing in deter reads `errno`,
//! so [`exp`] calls `__exp_finite` itself: the same function on the same argument, so the same
//! bits (BENCHMARKS.md, issue 15 on speed11). Everywhere else it is `f64::exp`.
//! [`ln`] does the same with `__log_finite` for the crises' logarithms (the contest success
//! function's log-ratio and the misperceived balance's log-odds, about 45 calls a baseline
//! run), bypassing `log`'s wrapper (BENCHMARKS.md, issue 15 on speed24).

#[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
mod glibc {
    // A one-instruction trampoline bound to glibc's `__exp_finite` (exported since glibc
    // 2.15 and kept for compatibility; `.symver` reaches the non-default version).
    std::arch::global_asm!(
        ".symver deter_glibc_exp_finite, __exp_finite@GLIBC_2.15",
        ".globl deter_stats_exp_finite",
        ".hidden deter_stats_exp_finite",
        ".type deter_stats_exp_finite, @function",
        "deter_stats_exp_finite:",
        "jmp deter_glibc_exp_finite@PLT",
        ".size deter_stats_exp_finite, . - deter_stats_exp_finite",
    );

    // The same for the natural logarithm: glibc's `log` (GLIBC_2.29) is a wrapper that sets
    // `errno` for arguments <= 0 around `__log_finite` (an ifunc to the FMA or SSE2 kernel).
    std::arch::global_asm!(
        ".symver deter_glibc_log_finite, __log_finite@GLIBC_2.15",
        ".globl deter_stats_log_finite",
        ".hidden deter_stats_log_finite",
        ".type deter_stats_log_finite, @function",
        "deter_stats_log_finite:",
        "jmp deter_glibc_log_finite@PLT",
        ".size deter_stats_log_finite, . - deter_stats_log_finite",
    );

    unsafe extern "C" {
        fn deter_stats_exp_finite(x: f64) -> f64;
        fn deter_stats_log_finite(x: f64) -> f64;
    }

    #[inline(always)]
    pub fn ln(x: f64) -> f64 {
        // SAFETY: a pure function of one double (glibc's logarithm, errno untouched).
        unsafe { deter_stats_log_finite(x) }
    }

    #[inline(always)]
    pub fn exp(x: f64) -> f64 {
        // SAFETY: a pure function of one double (glibc's exponential, errno untouched).
        unsafe { deter_stats_exp_finite(x) }
    }
}

/// e^x, bit for bit `x.exp()`.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    #[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
    {
        glibc::exp(x)
    }
    #[cfg(not(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu")))]
    {
        x.exp()
    }
}

/// The natural logarithm, bit for bit `x.ln()` (glibc's kernel without its `errno` wrapper, as
/// [`exp`]).
#[inline(always)]
pub fn ln(x: f64) -> f64 {
    #[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
    {
        glibc::ln(x)
    }
    #[cfg(not(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu")))]
    {
        x.ln()
    }
}

#[cfg(test)]
mod tests {
    use super::{exp, ln};

    /// The same bits as `f64::ln` over the arguments the model takes (ratios of
    /// capabilities, odds) and at the edges, zero, negatives, infinities and NaN included.
    #[test]
    fn ln_is_f64_ln_bit_for_bit() {
        let mut z = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            z = z.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            z
        };
        for _ in 0..2_000_000 {
            let u = (next() >> 11) as f64 / (1u64 << 53) as f64;
            for x in [u, 0.5 + 1.5 * u, 10f64.powf(u * 32.0 - 16.0), u * 1e300] {
                assert_eq!(ln(x).to_bits(), x.ln().to_bits(), "{x:e}");
            }
        }
        for x in [
            1.0,
            2.0,
            1e-300,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::INFINITY,
        ] {
            assert_eq!(ln(x).to_bits(), x.ln().to_bits(), "{x:e}");
        }
        for x in [0.0, -0.0] {
            assert_eq!(ln(x), f64::NEG_INFINITY);
        }
        for x in [-1.0, f64::NEG_INFINITY, f64::NAN] {
            assert!(ln(x).is_nan());
        }
    }

    /// The same bits as `f64::exp` over the range the model uses and at the edges.
    #[test]
    fn exp_is_f64_exp_bit_for_bit() {
        let mut z = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            z = z.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            z
        };
        for _ in 0..2_000_000 {
            let u = (next() >> 11) as f64 / (1u64 << 53) as f64;
            for x in [u * 1480.0 - 745.0, u * 2.0 - 1.0, (u - 0.5) * 1e-3] {
                assert_eq!(exp(x).to_bits(), x.exp().to_bits(), "{x:e}");
            }
        }
        for x in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            709.782712893384,
            709.79,
            -745.1332191019411,
            -746.0,
            1e-300,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
        ] {
            assert_eq!(exp(x).to_bits(), x.exp().to_bits(), "{x:e}");
        }
        assert!(exp(f64::NAN).is_nan());
    }
}
