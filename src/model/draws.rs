//! The random draws the model makes, by kind.
//!
//! The model samples uniforms on [0, 1), standard normals and Beta variates from its
//! per-process streams ([`super::streams::Stream`]), which count each kind; [`DrawCounts`]
//! sums them over a run (`World::draw_counts`), which is how the RNG-floor benchmark knows
//! how many draws of each kind one run makes (benches/engine.rs, `deter bench`,
//! BENCHMARKS.md). [`Draws`] and [`RngDraws`] replay such a workload on one generator.

use rand::{Rng, RngExt};
use rand_distr::{Beta, Distribution, StandardNormal};

/// Draws by kind from one generator (the RNG floor's replay).
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

/// How many draws of each kind a run made, over every process stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DrawCounts {
    pub uniforms: u64,
    pub normals: u64,
    pub betas: u64,
    /// Process streams keyed (each costs four SplitMix64 outputs: `streams::state_words`).
    pub streams: u64,
    /// 64-bit words taken from the streams' generators, counted by the instrumented
    /// generator `streams::Counting` (a uniform takes one; a normal one or, rarely, more).
    pub words: u64,
}

impl DrawCounts {
    pub fn add(&mut self, o: &DrawCounts) {
        self.uniforms += o.uniforms;
        self.normals += o.normals;
        self.betas += o.betas;
        self.streams += o.streams;
        self.words += o.words;
    }

    /// Add the draws of one stream.
    pub(crate) fn add_stream<const C: bool>(&mut self, g: &super::streams::Stream<C>) {
        self.uniforms += u64::from(g.uniforms);
        self.normals += u64::from(g.normals);
        self.betas += u64::from(g.betas);
        self.streams += 1;
        self.words += g.words();
    }
}
