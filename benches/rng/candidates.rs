//! Generator candidates for the per-process streams (BENCHMARKS.md, "Choosing the generator").
//!
//! Each candidate is built the way the model would build a process stream: from a run key of
//! 256 bits (four u64 words) and a 64-bit process id, the stream's first draw included when
//! its cost of creation is measured. Shared by `benches/rng.rs` (criterion, wall time) and
//! `examples/rng_cost.rs` (one operation repeated, for callgrind instruction counts).

use rand::{Rng, RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};

/// SplitMix64's output function (Steele, Lea & Flood 2014).
#[inline(always)]
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Four state words from (run key, id): word j is the SplitMix64 output of key_j ^ mix(id ^ j).
#[inline(always)]
pub fn state_words(key: &[u64; 4], id: u64) -> [u64; 4] {
    let h = mix(id);
    [
        mix(key[0] ^ h),
        mix(key[1] ^ h.rotate_left(16)),
        mix(key[2] ^ h.rotate_left(32)),
        mix(key[3] ^ h.rotate_left(48)),
    ]
}

fn bytes<const N: usize>(words: &[u64]) -> [u8; N] {
    let mut b = [0u8; N];
    for (chunk, w) in b.chunks_exact_mut(8).zip(words) {
        chunk.copy_from_slice(&w.to_le_bytes());
    }
    b
}

/// The candidates, by name.
pub const NAMES: [&str; 8] = [
    "chacha8",
    "xoshiro256pp",
    "xoshiro128pp",
    "pcg64",
    "pcg64mcg",
    "sfc64",
    "wyrand",
    "philox4x32",
];

/// A process stream of generator `name` for (key, id).
pub trait Keyed: Rng + Sized {
    fn keyed(key: &[u64; 4], id: u64) -> Self;
}

impl Keyed for rand_chacha::ChaCha8Rng {
    #[inline(always)]
    fn keyed(key: &[u64; 4], id: u64) -> Self {
        let mut g = Self::from_seed(bytes::<32>(key));
        g.set_stream(id);
        g
    }
}

impl Keyed for rand_xoshiro::Xoshiro256PlusPlus {
    #[inline(always)]
    fn keyed(key: &[u64; 4], id: u64) -> Self {
        Self::from_seed(bytes::<32>(&state_words(key, id)))
    }
}

impl Keyed for rand_xoshiro::Xoshiro128PlusPlus {
    #[inline(always)]
    fn keyed(key: &[u64; 4], id: u64) -> Self {
        Self::from_seed(bytes::<16>(&state_words(key, id)[..2]))
    }
}

impl Keyed for rand_pcg::Pcg64 {
    #[inline(always)]
    fn keyed(key: &[u64; 4], id: u64) -> Self {
        let w = state_words(key, 0);
        let state = (u128::from(w[0]) << 64) | u128::from(w[1]);
        let stream = (u128::from(key[2] ^ key[3]) << 64) | u128::from(id);
        Self::new(state, stream)
    }
}

impl Keyed for rand_pcg::Pcg64Mcg {
    #[inline(always)]
    fn keyed(key: &[u64; 4], id: u64) -> Self {
        let w = state_words(key, id);
        Self::new((u128::from(w[0]) << 64) | u128::from(w[1]))
    }
}

impl Keyed for rand_sfc::Sfc64 {
    #[inline(always)]
    fn keyed(key: &[u64; 4], id: u64) -> Self {
        Self::from_seed(bytes::<24>(&state_words(key, id)[..3]))
    }
}

impl Keyed for wyrand::WyRand {
    #[inline(always)]
    fn keyed(key: &[u64; 4], id: u64) -> Self {
        Self::new(state_words(key, id)[0])
    }
}

impl Keyed for rand_philox::Philox {
    #[inline(always)]
    fn keyed(key: &[u64; 4], id: u64) -> Self {
        let k = mix(key[0] ^ key[1] ^ key[2] ^ key[3]);
        Self::new([k as u32, (k >> 32) as u32], u128::from(id) << 64)
    }
}

/// `n` u64 words from one stream.
#[inline(never)]
pub fn words<G: Keyed>(n: u64) -> u64 {
    let mut g = G::keyed(&[1, 2, 3, 4], 5);
    let mut acc = 0u64;
    for _ in 0..n {
        acc = acc.wrapping_add(g.next_u64());
    }
    acc
}

/// `n` standard normals (rand_distr's ziggurat) from one stream.
#[inline(never)]
pub fn normals<G: Keyed>(n: u64) -> f64 {
    let mut g = G::keyed(&[1, 2, 3, 4], 5);
    let mut acc = 0.0;
    for _ in 0..n {
        let z: f64 = StandardNormal.sample(&mut g);
        acc += z;
    }
    acc
}

/// `n` uniforms on [0, 1) (53 bits of one u64) from one stream.
#[inline(never)]
pub fn uniforms<G: Keyed>(n: u64) -> f64 {
    let mut g = G::keyed(&[1, 2, 3, 4], 5);
    let mut acc = 0.0;
    for _ in 0..n {
        acc += g.random::<f64>();
    }
    acc
}

/// `n` streams keyed from (key, id = 0..n), one uniform from each (a short-lived crisis
/// stream: creation and first draw).
#[inline(never)]
pub fn streams<G: Keyed>(n: u64) -> f64 {
    let key = [0x0123_4567_89ab_cdef, 2, 3, 4];
    let mut acc = 0.0;
    for id in 0..n {
        let mut g = G::keyed(&key, id);
        acc += g.random::<f64>();
    }
    acc
}

/// Run operation `op` (`words`, `normals`, `uniforms`, `streams`) `n` times on generator `name`.
pub fn run(name: &str, op: &str, n: u64) -> Option<f64> {
    fn go<G: Keyed>(op: &str, n: u64) -> Option<f64> {
        Some(match op {
            "words" => words::<G>(n) as f64,
            "normals" => normals::<G>(n),
            "uniforms" => uniforms::<G>(n),
            "streams" => streams::<G>(n),
            _ => return None,
        })
    }
    match name {
        "chacha8" => go::<rand_chacha::ChaCha8Rng>(op, n),
        "xoshiro256pp" => go::<rand_xoshiro::Xoshiro256PlusPlus>(op, n),
        "xoshiro128pp" => go::<rand_xoshiro::Xoshiro128PlusPlus>(op, n),
        "pcg64" => go::<rand_pcg::Pcg64>(op, n),
        "pcg64mcg" => go::<rand_pcg::Pcg64Mcg>(op, n),
        "sfc64" => go::<rand_sfc::Sfc64>(op, n),
        "wyrand" => go::<wyrand::WyRand>(op, n),
        "philox4x32" => go::<rand_philox::Philox>(op, n),
        _ => None,
    }
}
