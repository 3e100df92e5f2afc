//! The random draws the model makes, by kind.
//!
//! The model samples only through [`Draws`]: uniforms on [0, 1), standard normals and Beta
//! variates. [`RngDraws`] is the production implementation over any [`Rng`] (it compiles to
//! the same calls as sampling directly); [`CountingDraws`] also counts each kind and every
//! word taken from the generator, which is how the RNG-floor benchmark knows how many draws
//! of each kind one run makes (benches/engine.rs, `deter bench`, BENCHMARKS.md).

use std::convert::Infallible;

use rand::{Rng, RngExt, TryRng};
use rand_distr::{Beta, Distribution, StandardNormal};

/// Where the model's randomness comes from.
pub trait Draws {
    /// A uniform f64 on [0, 1) (`rng.random::<f64>()`).
    fn uniform(&mut self) -> f64;
    /// A standard normal (rand_distr's ziggurat `StandardNormal`).
    fn normal(&mut self) -> f64;
    /// One variate of `beta`.
    fn beta(&mut self, beta: &Beta<f64>) -> f64;
}

/// [`Draws`] straight from an [`Rng`].
pub struct RngDraws<'a, R: Rng + ?Sized>(pub &'a mut R);

impl<R: Rng + ?Sized> Draws for RngDraws<'_, R> {
    #[inline(always)]
    fn uniform(&mut self) -> f64 {
        self.0.random::<f64>()
    }

    #[inline(always)]
    fn normal(&mut self) -> f64 {
        StandardNormal.sample(self.0)
    }

    #[inline(always)]
    fn beta(&mut self, beta: &Beta<f64>) -> f64 {
        beta.sample(self.0)
    }
}

/// How many draws of each kind were made, and how many generator words they took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DrawCounts {
    pub uniforms: u64,
    pub normals: u64,
    pub betas: u64,
    /// `next_u64` calls on the generator (every kind above takes at least one).
    pub u64_words: u64,
    /// `next_u32` calls on the generator.
    pub u32_words: u64,
    /// Bytes taken through `fill_bytes`.
    pub bytes: u64,
}

impl DrawCounts {
    pub fn add(&mut self, o: &DrawCounts) {
        self.uniforms += o.uniforms;
        self.normals += o.normals;
        self.betas += o.betas;
        self.u64_words += o.u64_words;
        self.u32_words += o.u32_words;
        self.bytes += o.bytes;
    }
}

/// A generator wrapper that counts the words taken from it.
struct CountingRng<R> {
    inner: R,
    u64_words: u64,
    u32_words: u64,
    bytes: u64,
}

impl<R: Rng> TryRng for CountingRng<R> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        self.u32_words += 1;
        Ok(self.inner.next_u32())
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.u64_words += 1;
        Ok(self.inner.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.bytes += dst.len() as u64;
        self.inner.fill_bytes(dst);
        Ok(())
    }
}

/// [`Draws`] that count every draw by kind and every generator word; the values drawn are
/// exactly those [`RngDraws`] would draw from the same generator.
pub struct CountingDraws<R> {
    rng: CountingRng<R>,
    uniforms: u64,
    normals: u64,
    betas: u64,
}

impl<R: Rng> CountingDraws<R> {
    pub fn new(rng: R) -> Self {
        Self {
            rng: CountingRng {
                inner: rng,
                u64_words: 0,
                u32_words: 0,
                bytes: 0,
            },
            uniforms: 0,
            normals: 0,
            betas: 0,
        }
    }

    pub fn counts(&self) -> DrawCounts {
        DrawCounts {
            uniforms: self.uniforms,
            normals: self.normals,
            betas: self.betas,
            u64_words: self.rng.u64_words,
            u32_words: self.rng.u32_words,
            bytes: self.rng.bytes,
        }
    }
}

impl<R: Rng> Draws for CountingDraws<R> {
    fn uniform(&mut self) -> f64 {
        self.uniforms += 1;
        self.rng.random::<f64>()
    }

    fn normal(&mut self) -> f64 {
        self.normals += 1;
        StandardNormal.sample(&mut self.rng)
    }

    fn beta(&mut self, beta: &Beta<f64>) -> f64 {
        self.betas += 1;
        beta.sample(&mut self.rng)
    }
}
