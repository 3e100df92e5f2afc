//! Per-process random streams (synchronised common random numbers).
//!
//! Every source of randomness draws from its own stream, so that adding or removing an
//! entity never shifts another entity's draws (Law & Kelton, *Simulation Modeling and
//! Analysis*, on synchronising random numbers for common random numbers).
//!
//! **Construction** (recorded in every output's `rng` field):
//! 1. the run key: the first 32 bytes of run `i`'s ChaCha8 stream
//!    (`ChaCha8Rng::seed_from_u64(seed)`, `set_stream(i)`), i.e. one ChaCha8 block per run;
//! 2. a process stream: a xoshiro256++ generator (Blackman & Vigna 2021) whose four state
//!    words are `splitmix64(k_j ^ rotl(splitmix64(id), 16 j))`, `k_j` the run key's j-th
//!    little-endian u64 and `id` [`stream_id`]`(kind, entity id, process)`, a 64-bit hash of
//!    the entity's *id string* (not its position in the file) and the process name; the k-th
//!    crisis of a rivalry uses [`crisis_stream_id`]`(stream_id("rivalry", id, "crisis"), k)`.
//!    Each state word is the SplitMix64 output of a distinct input, the seeding Blackman &
//!    Vigna recommend; distinct ids give distinct states within a run (SplitMix64's
//!    finaliser is a bijection) and runs have independent 256-bit keys;
//! 3. draw `j` of a process is therefore a pure function of (seed, run, entity id, process,
//!    j). With a period of 2^256 - 1 and a few thousand draws per stream, two streams overlap
//!    with negligible probability.
//!
//! The generator was chosen by measurement (BENCHMARKS.md, "Choosing the generator"): it
//! passes TestU01's BigCrush and PractRand (Blackman & Vigna 2021), and costs 14 instructions
//! a word and about 110 to key a stream, against 28 and 630 for ChaCha8.
//!
//! The processes: per country `gdp`, `cohesion`, `narrative` (one normal per month each);
//! per rivalry `tension` (one normal per month), `arrivals` (one uniform per month) and one
//! stream per crisis (every decision, misperception and honour draw of that crisis); per
//! rivalry `nonstate` (when the rivalry's non-state rate is non-zero: one uniform per month
//! for the number of incidents, then one uniform per incident for whether it opens a crisis)
//! and `target` (when its target-initiated trigger rate is non-zero: one uniform per month);
//! per alliance `reliability` (one Beta per run).

use std::convert::Infallible;

use rand::{Rng, RngExt, SeedableRng, TryRng};
use rand_distr::{Beta, Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

/// A description of the stream construction, for the `rng` field of every output.
pub const CONSTRUCTION: &str = "xoshiro256++ (rand_xoshiro 0.8), one stream per process: run \
key = first 32 bytes of ChaCha8 (rand_chacha 0.10) seed_from_u64(seed) stream = run index; \
process stream state word j = splitmix64(key word j ^ rotl(splitmix64(id), 16 j)), id = \
FNV-1a/SplitMix64 hash of (entity kind, entity id, process)";

/// FNV-1a over bytes, 64-bit (Fowler, Noll & Vo): offset 0xcbf29ce484222325, prime 0x100000001b3.
fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// SplitMix64's finaliser (Steele, Lea & Flood 2014): a bijection of u64 that mixes every bit.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The stream number of process `process` of entity `entity` of kind `kind`:
/// `splitmix64(fnv1a(kind 0x00 entity 0x00 process))`. Stable across versions and file orders.
pub fn stream_id(kind: &str, entity: &str, process: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325;
    h = fnv1a(h, kind.as_bytes());
    h = fnv1a(h, &[0]);
    h = fnv1a(h, entity.as_bytes());
    h = fnv1a(h, &[0]);
    h = fnv1a(h, process.as_bytes());
    splitmix64(h)
}

/// The stream of the `ordinal`-th crisis (0-based, per run) of a rivalry whose crisis base is
/// `base = stream_id("rivalry", id, "crisis")`: `splitmix64(base ^ splitmix64(ordinal))`.
pub fn crisis_stream_id(base: u64, ordinal: u32) -> u64 {
    splitmix64(base ^ splitmix64(u64::from(ordinal)))
}

/// The run key: 32 bytes from the run's master generator (run `i`'s ChaCha8 stream).
pub fn run_key<R: Rng + ?Sized>(master: &mut R) -> [u8; 32] {
    let mut key = [0u8; 32];
    master.fill_bytes(&mut key);
    key
}

/// The four xoshiro256++ state words of process stream `id` under the run key `key`.
pub fn state_words(key: &[u8; 32], id: u64) -> [u64; 4] {
    let h = splitmix64(id);
    let mut w = [0u64; 4];
    for (j, (out, k)) in w.iter_mut().zip(key.chunks_exact(8)).enumerate() {
        let k = u64::from_le_bytes(k.try_into().expect("8 bytes"));
        *out = splitmix64(k ^ h.rotate_left(16 * j as u32));
    }
    w
}

/// The instrumented generator: xoshiro256++ counting the 64-bit words it gives (`C`, on by
/// default; off in the engine's own runs, where nothing reads the counts: the same draws,
/// without the counter's upkeep).
#[derive(Debug, Clone, PartialEq)]
pub struct Counting<const C: bool = true> {
    rng: Xoshiro256PlusPlus,
    words: u32,
}

impl<const C: bool> Counting<C> {
    /// Process stream `id` under the run key `key`, at its start.
    #[inline]
    pub fn keyed(key: &[u8; 32], id: u64) -> Self {
        let mut seed = [0u8; 32];
        for (b, w) in seed.chunks_exact_mut(8).zip(state_words(key, id)) {
            b.copy_from_slice(&w.to_le_bytes());
        }
        Self {
            rng: Xoshiro256PlusPlus::from_seed(seed),
            words: 0,
        }
    }

    /// 64-bit words taken since the stream was keyed (0 when not counting).
    pub fn words(&self) -> u64 {
        u64::from(self.words)
    }
}

impl<const C: bool> TryRng for Counting<C> {
    type Error = Infallible;

    #[inline(always)]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        if C {
            self.words += 1;
        }
        self.rng.try_next_u32()
    }

    #[inline(always)]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        if C {
            self.words += 1;
        }
        self.rng.try_next_u64()
    }

    #[inline]
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        if C {
            self.words += dst.len().div_ceil(8) as u32;
        }
        self.rng.try_fill_bytes(dst)
    }
}

/// One process's generator, counting its draws by kind when `C` (the RNG floor's count,
/// `World::draw_counts`); the engine's runs use `Stream<false>`, the same draws uncounted.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream<const C: bool = false> {
    rng: Counting<C>,
    pub(crate) uniforms: u32,
    pub(crate) normals: u32,
    pub(crate) betas: u32,
}

impl<const C: bool> Default for Stream<C> {
    fn default() -> Self {
        Self::keyed(&[0; 32], 0)
    }
}

impl<const C: bool> Stream<C> {
    /// The stream `id` under `key`, at its start.
    #[inline]
    pub fn keyed(key: &[u8; 32], id: u64) -> Self {
        Self {
            rng: Counting::keyed(key, id),
            uniforms: 0,
            normals: 0,
            betas: 0,
        }
    }

    /// A uniform f64 on [0, 1) (`random::<f64>()`: 53 bits of one u64).
    #[inline(always)]
    pub fn uniform(&mut self) -> f64 {
        if C {
            self.uniforms += 1;
        }
        self.rng.random::<f64>()
    }

    /// A standard normal (rand_distr's ziggurat `StandardNormal`).
    #[inline(always)]
    pub fn normal(&mut self) -> f64 {
        if C {
            self.normals += 1;
        }
        StandardNormal.sample(&mut self.rng)
    }

    /// One variate of `beta`.
    #[inline(always)]
    pub fn beta(&mut self, beta: &Beta<f64>) -> f64 {
        if C {
            self.betas += 1;
        }
        beta.sample(&mut self.rng)
    }

    /// 64-bit words taken from the generator since it was keyed.
    pub fn words(&self) -> u64 {
        self.rng.words()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_ids_are_stable_and_distinct() {
        // Pinned: a change of construction must be deliberate (it changes every result).
        assert_eq!(
            stream_id("country", "SRB", "gdp"),
            stream_id("country", "SRB", "gdp")
        );
        let ids = [
            stream_id("country", "SRB", "gdp"),
            stream_id("country", "SRB", "cohesion"),
            stream_id("country", "XKX", "gdp"),
            stream_id("rivalry", "SRB", "gdp"),
            stream_id("country", "SR", "Bgdp"),
        ];
        for i in 0..ids.len() {
            for j in i + 1..ids.len() {
                assert_ne!(ids[i], ids[j], "{i} {j}");
            }
        }
        let base = stream_id("rivalry", "SRB-XKX", "crisis");
        assert_ne!(crisis_stream_id(base, 0), crisis_stream_id(base, 1));
        assert_ne!(crisis_stream_id(base, 0), base);
    }

    #[test]
    fn state_words_are_pinned() {
        // Pinned: the construction of every result (module docs). Recomputed by hand from
        // the formula: word j = splitmix64(k_j ^ rotl(splitmix64(id), 16 j)).
        let mut key = [0u8; 32];
        key[0] = 1;
        key[8] = 2;
        let h = splitmix64(9);
        let w = state_words(&key, 9);
        assert_eq!(w[0], splitmix64(1 ^ h));
        assert_eq!(w[1], splitmix64(2 ^ h.rotate_left(16)));
        assert_eq!(w[2], splitmix64(h.rotate_left(32)));
        assert_eq!(w[3], splitmix64(h.rotate_left(48)));
        // xoshiro256++'s first output is rotl(s0 + s3, 23) + s0 (Blackman & Vigna 2021).
        let mut g = <Counting>::keyed(&key, 9);
        let first = w[0].wrapping_add(w[3]).rotate_left(23).wrapping_add(w[0]);
        assert_eq!(g.next_u64(), first);
        assert_eq!(g.words(), 1);
    }

    #[test]
    fn a_stream_depends_only_on_key_and_id() {
        let key = [7u8; 32];
        let mut a = Stream::<true>::keyed(&key, 42);
        let mut b = <Stream>::keyed(&key, 42);
        let mut c = <Stream>::keyed(&key, 43);
        let xa: Vec<f64> = (0..5).map(|_| a.uniform()).collect();
        let xb: Vec<f64> = (0..5).map(|_| b.uniform()).collect();
        let xc: Vec<f64> = (0..5).map(|_| c.uniform()).collect();
        assert_eq!(xa, xb);
        assert_ne!(xa, xc);
        assert_eq!(a.words(), 5);
    }
}
