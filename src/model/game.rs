//! The crisis game: an agent logit quantal response equilibrium solved by backward induction.
//!
//! One crisis opportunity on a rivalry A -> T is a finite game of fixed depth:
//!
//! 1. A (challenger): keep the status quo, challenge (MID 2, threat), or seize by a fait
//!    accompli (MID 4, a use of force with no prior threat; below);
//! 2. T (target): concede, or resist;
//! 3. A: back down, or display force (MID 3); the West W then sanctions with probability `s_D`;
//! 4. P (the target's protectors, aggregated): commit (mobilise, reinforce) or stay out; skipped
//!    when T has no protector;
//! 5. A: back down, or use force (MID 4), knowing P's move; if A was not sanctioned at the
//!    display, W sanctions now with probability `s`;
//! 6. bargaining under private information (Fearon 1995) ends in war (MID 5) with probability
//!    `w_k`, otherwise in limited force.
//!
//! With probability `pi` (`shock_prob`, 0 by default) the display reveals to A alone, after
//! P's move, that force would cost it `shock_cost` more (mobilisation tests what force would
//! take: Fearon 1997; Slantchev 2005); A chooses at node 5 knowing it, and every earlier
//! value integrates over it in closed form (docs/MODEL.md 7.7, node 5').
//!
//! After a fait accompli (Altman 2017) there is no threat to concede to and no display: W
//! sanctions with probability `s`; P commits or stays out; war follows with probability
//! `w^F_k`, otherwise limited force. A threat warns the target and its protectors, a fait
//! accompli does not: in its denial contest only the forces already in theatre count on the
//! target's side (Shlapak & Johnson 2016), so its probabilities of prevailing `p^F_k` (and
//! every input that depends on them, [`FaitAccompli`]) are the caller's.
//!
//! At every node the mover chooses action `k` with probability
//! `exp(beta_i U_ik) / sum_j exp(beta_i U_ij)`, `U_ik` being its expected payoff of `k` given the
//! equilibrium choice probabilities at every later node (agent logit QRE: McKelvey & Palfrey
//! 1995, 1998; the strategic-choice models of Signorino 1999 and Signorino & Tarar 2006).
//! With two actions this is `logistic(beta_i (U_i1 - U_i0))`; at node 1 it is the
//! multinomial logit over the three actions. The backward pass is closed
//! form: [`solve`] takes a few dozen floating-point operations and never iterates.
//!
//! Terminal payoffs (stake units) are given by [`GameInputs`]; the challenger's are kept by
//! level ([`Levels`]: the gain of revision, military, political and economic costs) so that the
//! composition of its expected cost can be reported as a diagnostic.

use crate::stats::exp::exp;
use crate::stats::logistic;

/// Terminal payoffs and rationality of one crisis game (stake units unless noted).
/// Index `k` is P's move: 0 stays out (or there is no protector), 1 commits.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GameInputs {
    /// Rationality of A, T and P (logit precision, 1 / stake unit).
    pub beta_a: f64,
    pub beta_t: f64,
    pub beta_p: f64,
    /// A's payoff of the status quo, `u_SQ`.
    pub status_quo: f64,
    /// A's gain if the target concedes, `V`.
    pub value: f64,
    /// A's audience cost per rung of backing down (political).
    pub audience: f64,
    /// A's cost of displaying force (mobilisation; military).
    pub display_cost: f64,
    /// A's domestic reward for a display of force, kept whatever follows (gain): in a crisis
    /// that reacts to the target's move or to non-state violence, a hawkish audience rewards
    /// the show of force (Kertzer & Brutger 2016); 0 otherwise.
    pub display_reward: f64,
    /// A's cost of Western sanctions once imposed (economic).
    pub sanctions: f64,
    /// W's probability of sanctioning at the use of force if it has not sanctioned yet.
    pub sanction_prob: f64,
    /// W's probability of sanctioning at the display of force (lower: displays are rarely
    /// sanctioned).
    pub sanction_prob_display: f64,
    /// A's probability of prevailing if force is used, by k (perceived by A in its own tree).
    pub p: [f64; 2],
    /// A's cost of limited force and of war, by k (military).
    pub a_force_cost: [f64; 2],
    pub a_war_cost: [f64; 2],
    /// A's political cost of using force (monitoring, a protected target), by k.
    pub a_political: [f64; 2],
    /// A's cost of lost bilateral trade once force is used (economic).
    pub trade: f64,
    /// A's cost of lost bilateral trade from a dispute that stops short of force (a threat or a
    /// display; economic): a share of `trade` (Polachek 1980: conflict of any intensity costs
    /// the gains from trade).
    pub trade_dispute: f64,
    /// P(war | force), by k (Fearon 1995).
    pub war: [f64; 2],
    /// T's loss if it concedes (the issue, its cohesion's and reputation's worth).
    pub t_concede: f64,
    /// The further demands T expects a concession to invite, each priced at its own loss in
    /// a challenge like this one (its value of resisting, `-d DT`, solved at node 2):
    /// `concession_demands_loss` years of the challenger's own crisis opportunities. 0: none
    /// (node 2 as before, bit for bit).
    pub t_demands: f64,
    /// T's value of the issue: it loses `p_k t_value` in expectation if force is used.
    pub t_value: f64,
    /// T's cost of limited force and of war, by k.
    pub t_force_cost: [f64; 2],
    pub t_war_cost: [f64; 2],
    /// Whether T has a protector (node 4 exists).
    pub protector: bool,
    /// P's cost of committing (mobilisation), paid whatever A does next.
    pub p_commit_cost: f64,
    /// P's cost of staying out when A uses force (treaty and reputation, engaged tripwire).
    pub p_abandon: f64,
    /// P's cost of fighting limited force and war once committed.
    pub p_force_cost: f64,
    pub p_war_cost: f64,
    /// P's value of the target's security: it loses `p_k p_value` in expectation if force is used.
    pub p_value: f64,
    /// The fait accompli's inputs that depend on the balance (only the forces in theatre).
    pub fa: FaitAccompli,
    /// Weight `a_F` of the fait accompli in node 1's multinomial logit (`model.fait_accompli`,
    /// in [0, 1]; the status quo's and the threat's are 1). 0: node 1 is the threat alone,
    /// `P(challenge) = logistic(beta_A (U_challenge - u_SQ))`, and the fait accompli's subtree
    /// is not solved (its fields of [`Solution`] stay 0).
    pub fa_weight: f64,
    /// Probability `pi` that the display reveals to A a cost of using force it did not
    /// expect (`model.mobilisation_shock`, in [0, 1]): mobilisation tests what force would
    /// take (Fearon 1997; Slantchev 2005). Drawn after P's move and known to A alone; A's
    /// choice at node 5 and every earlier value integrate over it. 0: no shock, node 5 as
    /// before bit for bit.
    pub shock_prob: f64,
    /// A's added cost of using force when the shock occurs (military; stake units).
    pub shock_cost: f64,
    /// Weight `a_R` of alliance restraint in node 4's multinomial logit
    /// (`model.protector_restraint`, >= 0; commit's and staying out's are 1): P presses its
    /// protégé to concede at the display (Fang, Johnson & Leeds 2014; Pressman 2008). 0:
    /// node 4 is commit or stay out, `P(commit) = logistic(beta_P (U_commit - U_out))`, bit
    /// for bit as before, and restraint is never played.
    pub restraint_weight: f64,
    /// P's cost of restraining its protégé (`model.restraint_cost` times the stakes).
    pub p_restrain_cost: f64,
    /// Whether P decides to commit (fight) or stay out *after* A uses force, at the casus
    /// foederis, A choosing force with only its expectation of that decision
    /// (`model.commitment_at_attack`; extended immediate deterrence: Huth 1988; Signorino &
    /// Tarar 2006). With restraint offered, P's only move at the display is to restrain or
    /// not. `false`: node 4 between the display and node 5, A choosing force knowing P's move
    /// (the game as before, bit for bit).
    pub commit_at_attack: bool,
    /// Whether P moves twice (`model.protector_moves_twice`; refused with
    /// `commit_at_attack`): node 4 as in the default tree (commit, stay out, or restrain,
    /// seen by A), then, if A uses force, node 6 at the casus foederis: P fights or stays
    /// out knowing its node-4 move `k4` and `s`. Fighting pays the commitment cost once
    /// (at node 4 if it committed there, else at node 6); staying out after committing costs
    /// `p_renege` on top of the abandonment. `false`: one move (the game as before, bit for
    /// bit).
    pub moves_twice: bool,
    /// P's cost of reneging at node 6 on its node-4 commitment (`model.reneging_cost` times
    /// the stakes); read only when `moves_twice`.
    pub p_renege: f64,
    /// The tripwire's part of `p_abandon` that a P which stayed out at node 4 has abandoned
    /// at the display (`model.tripwire_at_display`: `tripwire_cost` times the stationed
    /// force's share, times the stakes): after A's force it pays it whatever it does at
    /// node 6, so node 6 after staying out weighs only the rest of the abandonment. Read only
    /// when `moves_twice`; 0: staying out at node 6 costs the whole `p_abandon` after either
    /// node-4 move (the two moves as before, bit for bit).
    pub p_tripwire_display: f64,
    /// The spread `delta` of P's private resolve (`model.resolve_spread` times the stakes):
    /// P is resolute (`theta = +1`) or irresolute (`theta = -1`), each with prior 1/2, known to
    /// P alone, and its cost of staying out at the casus foederis (after force, and after a
    /// fait accompli) is `p_abandon + theta delta` (Smith 1995). Read only when P's resolve is
    /// private ([`GameInputs::private_resolve`]); 0: no private resolve, the game bit for bit
    /// as without it.
    pub resolve_spread: f64,
    /// A's belief `mu(sigma)` that P is resolute, given the signal `sigma` of P's type it
    /// observed (`q` after a resolute signal, `1 - q` after an irresolute one, `q` =
    /// `model.resolve_signal`); the real game is solved with the same signal, so P's
    /// probability of committing given the signal is `mu c_+ + (1 - mu) c_-` in both. Read
    /// only with the resolve private.
    pub resolve_belief: f64,
}

/// The inputs of a fait accompli that differ from a use of force after a threat: they depend
/// on A's probability of prevailing, which counts on the target's side only the forces already
/// in theatre (a fait accompli gives no warning: Altman 2017; Shlapak & Johnson 2016). Index
/// `k` is P's move. Every other term (sanctions, trade, A's political cost, P's payoffs but
/// for `p` and `p_abandon`) is the use of force's.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FaitAccompli {
    /// A's probability of prevailing, by k.
    pub p: [f64; 2],
    /// A's cost of limited force and of war, by k (military).
    pub a_force_cost: [f64; 2],
    pub a_war_cost: [f64; 2],
    /// P(war | fait accompli), by k (Fearon 1995).
    pub war: [f64; 2],
    /// T's cost of limited force and of war, by k.
    pub t_force_cost: [f64; 2],
    pub t_war_cost: [f64; 2],
    /// P's cost of staying out after the fait accompli: the ally was attacked, the casus
    /// foederis has arisen (Leeds 2003 measures reliability there), and abandoning it may
    /// cost more than letting a threatened ally's use of force pass (`GameInputs::p_abandon`
    /// plus `casus_foederis_cost` per unit of treaty weight; equal to `p_abandon` at its
    /// default 0).
    pub p_abandon: f64,
}

/// A payoff of the challenger split by level: `total = gain - military - political - economic`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Levels {
    pub gain: f64,
    pub military: f64,
    pub political: f64,
    pub economic: f64,
}

impl Levels {
    #[inline]
    pub fn total(&self) -> f64 {
        self.gain - self.military - self.political - self.economic
    }

    #[inline]
    fn mix(a: Levels, b: Levels, pa: f64) -> Levels {
        let pb = 1.0 - pa;
        Levels {
            gain: pa * a.gain + pb * b.gain,
            military: pa * a.military + pb * b.military,
            political: pa * a.political + pb * b.political,
            economic: pa * a.economic + pb * b.economic,
        }
    }
}

/// The equilibrium of one game: choice probabilities at every node and the movers' expected
/// payoffs of each action. Index `s` is the sanctions state at node 4 (1 = sanctioned at the
/// display), `k` P's move.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Solution {
    /// P(A challenges: a threat).
    pub challenge: f64,
    /// P(A seizes by a fait accompli). P(status quo) = 1 - challenge - fait_accompli.
    pub fait_accompli: f64,
    /// P(P commits | fait accompli).
    pub fa_commit: f64,
    /// A's expected payoff of the fait accompli, by level.
    pub a_fait_accompli: Levels,
    /// T's expected payoff of the fait accompli.
    pub t_fait_accompli: f64,
    /// P's expected payoffs of committing and staying out after a fait accompli.
    pub p_fa_commit: f64,
    pub p_fa_stay: f64,
    /// P(T resists).
    pub resist: f64,
    /// P(A displays force | T resisted).
    pub display: f64,
    /// P(P commits | s).
    pub commit: [f64; 2],
    /// P(A uses force | s, k) when the display revealed no added cost (with
    /// `shock_prob` 0, P(A uses force | s, k)).
    pub force: [[f64; 2]; 2],
    /// P(A uses force | s, k) when the display revealed the added cost `shock_cost`
    /// (0 when `shock_prob` is 0: not solved).
    pub force_shocked: [[f64; 2]; 2],
    /// A's expected payoff of challenging, by level (the status quo is `status_quo`).
    pub a_challenge: Levels,
    /// A's expected payoff of displaying force (before W moves), by level.
    pub a_display: Levels,
    /// A's expected payoffs of using force and of backing down at node 5, by (s, k) (using
    /// force: with no revealed cost; with it, `shock_cost` more military cost).
    pub a_force: [[Levels; 2]; 2],
    pub a_back_display: [Levels; 2],
    /// T's expected payoffs of resisting and conceding.
    pub t_resist: f64,
    pub t_concede: f64,
    /// P's expected payoffs of committing and staying out, by s.
    pub p_commit: [f64; 2],
    pub p_stay: [f64; 2],
    /// P(P restrains its protégé | s): T concedes at the display (0 when `restraint_weight`
    /// is 0 or there is no protector).
    pub restrain: [f64; 2],
    /// With P's resolve private ([`GameInputs::private_resolve`]): each type's probability of
    /// committing at the casus foederis after force, by s, `[c_-, c_+]` (irresolute,
    /// resolute); `commit[s]` is their mix by the belief. 0 otherwise (not solved).
    pub commit_type: [[f64; 2]; 2],
    /// The same after a fait accompli, `[c^F_-, c^F_+]`.
    pub fa_commit_type: [f64; 2],
    /// With P moving twice ([`GameInputs::moves_twice`]): P(P fights at the casus foederis |
    /// s, k4), `k4` its move at node 4; 0 otherwise (not solved).
    pub fight: [[f64; 2]; 2],
    /// P's values of fighting and of staying out at the casus foederis, by (s, k4) (its whole
    /// payoff of the crisis, the commitment cost paid at node 4 included).
    pub p_fight: [[f64; 2]; 2],
    pub p_abstain: [[f64; 2]; 2],
}

/// A's belief that P is resolute after the signal of the crisis's uniform `signal` (resolute
/// when below 1/2), with the signal's accuracy `q` (`model.resolve_signal`): the types' prior
/// is 1/2 each and the signal equals the type with probability `q`, so P(resolute signal) =
/// 1/2 and by Bayes `mu(+1) = q`, `mu(-1) = 1 - q` (docs/MODEL.md 7.7).
#[inline]
pub fn resolve_belief(q: f64, signal: f64) -> f64 {
    if signal < 0.5 { q } else { 1.0 - q }
}

/// Logit choice between two actions: the probability of the action worth `u1` against `u0`.
#[inline]
pub fn logit2(beta: f64, u1: f64, u0: f64) -> f64 {
    logistic(beta * (u1 - u0))
}

impl GameInputs {
    /// A's payoff when the target concedes (terminal).
    #[inline]
    pub fn a_conceded(&self) -> Levels {
        Levels {
            gain: self.value,
            economic: self.trade_dispute,
            ..Levels::default()
        }
    }

    /// A's payoff of backing down after the threat (terminal).
    #[inline]
    pub fn a_back_threat(&self) -> Levels {
        Levels {
            political: self.audience,
            economic: self.trade_dispute,
            ..Levels::default()
        }
    }

    /// A's payoff of backing down after the display, sanctions state `s` (terminal).
    #[inline]
    pub fn a_back_display(&self, s: usize) -> Levels {
        Levels {
            gain: self.display_reward,
            military: self.display_cost,
            political: 2.0 * self.audience,
            economic: s as f64 * self.sanctions + self.trade_dispute,
        }
    }

    /// A's payoff of a use of force ending in war (`war`) or limited force, given P's move `k`
    /// and whether sanctions were imposed by the end (`sanctioned`).
    #[inline]
    pub fn a_force_end(&self, k: usize, war: bool, sanctioned: bool) -> Levels {
        Levels {
            gain: self.p[k] * self.value + self.display_reward,
            military: self.display_cost
                + if war {
                    self.a_war_cost[k]
                } else {
                    self.a_force_cost[k]
                },
            political: self.a_political[k],
            economic: self.trade + if sanctioned { self.sanctions } else { 0.0 },
        }
    }

    /// T's payoff of a use of force.
    #[inline]
    pub fn t_force_end(&self, k: usize, war: bool) -> f64 {
        -self.p[k] * self.t_value
            - if war {
                self.t_war_cost[k]
            } else {
                self.t_force_cost[k]
            }
    }

    /// P's payoff of a use of force.
    #[inline]
    pub fn p_force_end(&self, k: usize, war: bool) -> f64 {
        let fight = if war {
            self.p_war_cost
        } else {
            self.p_force_cost
        };
        -self.p[k] * self.p_value
            - if k == 1 {
                self.p_commit_cost + fight
            } else {
                self.p_abandon
            }
    }

    /// The expected payoffs (A's by level, T's, P's) of a use of force after the display with
    /// P's move `k`: war with probability `w_k`, otherwise limited force; A sanctioned by the
    /// end with probability `sanc` (1 if sanctioned at the display, else `s`).
    #[inline]
    fn use_of_force(&self, k: usize, sanc: f64) -> (Levels, f64, f64) {
        let w = self.war[k];
        let war_end = Levels::mix(
            self.a_force_end(k, true, true),
            self.a_force_end(k, true, false),
            sanc,
        );
        let lim_end = Levels::mix(
            self.a_force_end(k, false, true),
            self.a_force_end(k, false, false),
            sanc,
        );
        (
            Levels::mix(war_end, lim_end, w),
            w * self.t_force_end(k, true) + (1.0 - w) * self.t_force_end(k, false),
            w * self.p_force_end(k, true) + (1.0 - w) * self.p_force_end(k, false),
        )
    }

    /// A's payoff of a fait accompli ending in war (`war`) or limited force, given P's move
    /// `k` and whether W sanctioned (`sanctioned`): no display, no audience cost.
    #[inline]
    pub fn a_fa_end(&self, k: usize, war: bool, sanctioned: bool) -> Levels {
        Levels {
            gain: self.fa.p[k] * self.value,
            military: if war {
                self.fa.a_war_cost[k]
            } else {
                self.fa.a_force_cost[k]
            },
            political: self.a_political[k],
            economic: self.trade + if sanctioned { self.sanctions } else { 0.0 },
        }
    }

    /// T's payoff of a fait accompli.
    #[inline]
    pub fn t_fa_end(&self, k: usize, war: bool) -> f64 {
        -self.fa.p[k] * self.t_value
            - if war {
                self.fa.t_war_cost[k]
            } else {
                self.fa.t_force_cost[k]
            }
    }

    /// P's payoff of a fait accompli.
    #[inline]
    pub fn p_fa_end(&self, k: usize, war: bool) -> f64 {
        let fight = if war {
            self.p_war_cost
        } else {
            self.p_force_cost
        };
        -self.fa.p[k] * self.p_value
            - if k == 1 {
                self.p_commit_cost + fight
            } else {
                self.fa.p_abandon
            }
    }

    /// P's payoff when A backs down at node 5.
    #[inline]
    pub fn p_back_end(&self, k: usize) -> f64 {
        -(k as f64) * self.p_commit_cost
    }

    /// A's payoff when P restrains its protégé and T concedes at the display, sanctions
    /// state `s` (terminal): the concession's gain and the display's reward, less what A paid
    /// to get there (the display's cost, sanctions if imposed at the display, the dispute's
    /// lost trade); no audience cost (A did not back down).
    #[inline]
    pub fn a_restrained(&self, s: usize) -> Levels {
        Levels {
            gain: self.value + self.display_reward,
            military: self.display_cost,
            political: 0.0,
            economic: s as f64 * self.sanctions + self.trade_dispute,
        }
    }

    /// T's payoff when its protector restrains it: it concedes (its cost of conceding).
    #[inline]
    pub fn t_restrained(&self) -> f64 {
        -self.t_concede
    }

    /// P's payoff of restraining its protégé: T concedes the issue, so P loses its value of
    /// T's security whole (`p_value`, as it loses `p_k p_value` when A takes the share `p_k`
    /// by force), and pays the cost of pressing it.
    #[inline]
    pub fn p_restrained(&self) -> f64 {
        -self.p_value - self.p_restrain_cost
    }

    /// Whether P's resolve is its private information in this game: P decides at the casus
    /// foederis (`commit_at_attack`), the spread is positive and restraint is not offered
    /// (with restraint P would move at the display, before A's force, and A would learn from
    /// that move: a belief fixed point this model does not solve; the scenario readers refuse
    /// the combination, docs/MODEL.md 7.7).
    #[inline]
    pub fn private_resolve(&self) -> bool {
        self.commit_at_attack && self.resolve_spread > 0.0 && self.restraint_weight <= 0.0
    }

    /// Each type's probability of committing at the casus foederis, `(c_-, c_+)`, when
    /// committing is worth `commit` to P and staying out `stay` before the type's shift: the
    /// resolute type's staying out costs `delta` more, the irresolute type's `delta` less.
    #[inline(always)]
    fn commit_by_type(&self, commit: f64, stay: f64) -> [f64; 2] {
        [
            logit2(self.beta_p, commit, stay + self.resolve_spread),
            logit2(self.beta_p, commit, stay - self.resolve_spread),
        ]
    }

    /// P's probability of committing at the casus foederis as A expects it (and, in the real
    /// game, given the signal): the logit of committing (worth `commit`) against staying out
    /// (`stay`); with the resolve private, the mix `mu c_+ + (1 - mu) c_-` of the types' logits
    /// by the belief, each type's written into `by_type`. 0 without a protector.
    #[inline(always)]
    fn casus_foederis_commit(&self, commit: f64, stay: f64, by_type: &mut [f64; 2]) -> f64 {
        if !self.protector {
            return 0.0;
        }
        if !self.private_resolve() {
            return logit2(self.beta_p, commit, stay);
        }
        *by_type = self.commit_by_type(commit, stay);
        let mu = self.resolve_belief;
        mu * by_type[1] + (1.0 - mu) * by_type[0]
    }
}

/// Solve the game by backward induction (agent logit QRE).
pub fn solve(g: &GameInputs) -> Solution {
    solve_nodes::<true>(g)
}

/// The real game's solution as [`play`] reads it: [`solve`]'s, but for A's choice at node 1
/// (`challenge` and `fait_accompli`, left 0). The challenger decides in the game it
/// perceives; the target and its protectors respond in the real one, whose node 1 is never
/// read, so its logit (an `exp`) is not computed.
pub fn solve_responses(g: &GameInputs) -> Solution {
    solve_nodes::<false>(g)
}

/// [`solve`] (`NODE1`) or [`solve_responses`] (not `NODE1`).
#[inline(always)]
fn solve_nodes<const NODE1: bool>(g: &GameInputs) -> Solution {
    let mut sol = Solution::default();
    let s_prob = g.sanction_prob;
    let mut a_display = Levels::default();
    let mut t_display = 0.0;
    for s in 0..2 {
        let (a_node4, t_node4) = if g.commit_at_attack {
            commitment_at_attack(g, s, &mut sol)
        } else if g.moves_twice {
            commitment_twice(g, s, &mut sol)
        } else {
            commitment_after_display(g, s, &mut sol)
        };
        // W: sanctions at the display with probability s_D.
        let ws = if s == 1 {
            g.sanction_prob_display
        } else {
            1.0 - g.sanction_prob_display
        };
        a_display = Levels {
            gain: a_display.gain + ws * a_node4.gain,
            military: a_display.military + ws * a_node4.military,
            political: a_display.political + ws * a_node4.political,
            economic: a_display.economic + ws * a_node4.economic,
        };
        t_display += ws * t_node4;
    }
    sol.a_display = a_display;
    // Node 3: A displays force or backs down after the threat.
    let back_threat = g.a_back_threat();
    let d = logit2(g.beta_a, a_display.total(), back_threat.total());
    sol.display = d;
    let a_resisted = Levels::mix(a_display, back_threat, d);
    // Node 2: T resists or concedes.
    sol.t_resist = d * t_display;
    // A concession invites `t_demands` further demands, each costing T what resisting this
    // one does (`-d DT` >= 0); at `t_demands` 0 the sum is `t_concede` bit for bit.
    sol.t_concede = -(g.t_concede + g.t_demands * (-sol.t_resist).max(0.0));
    let r = logit2(g.beta_t, sol.t_resist, sol.t_concede);
    sol.resist = r;
    let conceded = g.a_conceded();
    sol.a_challenge = Levels::mix(a_resisted, conceded, r);
    let (u_sq, u_ch) = (g.status_quo, sol.a_challenge.total());
    if g.fa_weight <= 0.0 {
        // Node 1 without the fait accompli: A challenges or keeps the status quo.
        if NODE1 {
            sol.challenge = logit2(g.beta_a, u_ch, u_sq);
        }
        return sol;
    }
    // The fait accompli: W sanctions with probability s, P commits or stays out, war with
    // probability w^F_k.
    let mut a_fa = [Levels::default(); 2];
    let mut t_fa = [0.0; 2];
    let mut p_fa = [0.0; 2];
    for k in 0..2 {
        let w = g.fa.war[k];
        let war_end = Levels::mix(
            g.a_fa_end(k, true, true),
            g.a_fa_end(k, true, false),
            s_prob,
        );
        let lim_end = Levels::mix(
            g.a_fa_end(k, false, true),
            g.a_fa_end(k, false, false),
            s_prob,
        );
        a_fa[k] = Levels::mix(war_end, lim_end, w);
        t_fa[k] = w * g.t_fa_end(k, true) + (1.0 - w) * g.t_fa_end(k, false);
        p_fa[k] = w * g.p_fa_end(k, true) + (1.0 - w) * g.p_fa_end(k, false);
    }
    // P after the fait accompli: the casus foederis (with the resolve private, the types'
    // mix by A's belief).
    let c = g.casus_foederis_commit(p_fa[1], p_fa[0], &mut sol.fa_commit_type);
    sol.fa_commit = c;
    sol.p_fa_commit = p_fa[1];
    sol.p_fa_stay = p_fa[0];
    sol.a_fait_accompli = Levels::mix(a_fa[1], a_fa[0], c);
    sol.t_fait_accompli = c * t_fa[1] + (1.0 - c) * t_fa[0];
    if !NODE1 {
        return sol;
    }
    // Node 1: A keeps the status quo, challenges, or seizes: the multinomial logit over the
    // three expected payoffs, the fait accompli's term weighted by a_F (shifted by the
    // largest payoff, which changes no probability and keeps every exponent <= 0).
    let u_fa = sol.a_fait_accompli.total();
    let top = u_sq.max(u_ch).max(u_fa);
    let (e_sq, e_ch, e_fa) = (
        exp(g.beta_a * (u_sq - top)),
        exp(g.beta_a * (u_ch - top)),
        g.fa_weight * exp(g.beta_a * (u_fa - top)),
    );
    let sum = e_sq + e_ch + e_fa;
    sol.challenge = e_ch / sum;
    sol.fait_accompli = e_fa / sum;
    sol
}

/// A's choice at node 5 (and node 5' before it) between the use of force worth `force` and
/// backing down worth `back`: `(f, fh, value, F)`, P(force) without the revealed cost, with it
/// (0 when `shock_prob` is 0: not solved), A's value of the node and the total P(force) T and
/// P see. With probability `pi` (`shock_prob`) the display has shown A alone that force costs
/// `shock_cost` more (military); A chooses by what it learned (docs/MODEL.md 7.7, node 5').
#[inline(always)]
fn force_choice(g: &GameInputs, force: Levels, back: Levels) -> (f64, f64, Levels, f64) {
    let f = logit2(g.beta_a, force.total(), back.total());
    let value = Levels::mix(force, back, f);
    if g.shock_prob <= 0.0 {
        return (f, 0.0, value, f);
    }
    let shocked = Levels {
        military: force.military + g.shock_cost,
        ..force
    };
    let fh = logit2(g.beta_a, shocked.total(), back.total());
    (
        f,
        fh,
        Levels::mix(Levels::mix(shocked, back, fh), value, g.shock_prob),
        g.shock_prob * fh + (1.0 - g.shock_prob) * f,
    )
}

/// The players' values of a use of force by P's move `k` (index 0 stays out, 1 commits) in
/// sanctions state `s`: A's levels, T's and P's payoffs ([`GameInputs::use_of_force`]),
/// sanctioned by the end: already (s = 1), or at the use of force with probability s. Shared
/// by the three trees of the display's subtree.
#[inline(always)]
fn force_by_protector_move(g: &GameInputs, s: usize) -> ([Levels; 2], [f64; 2], [f64; 2]) {
    let sanc = if s == 1 { 1.0 } else { g.sanction_prob };
    let (a_stay, t_stay, p_stay) = g.use_of_force(0, sanc);
    let (a_commit, t_commit, p_commit) = g.use_of_force(1, sanc);
    ([a_stay, a_commit], [t_stay, t_commit], [p_stay, p_commit])
}

/// The display's subtree for sanctions state `s` with node 4 between the display and node 5
/// (the default tree): node 5, A uses force or backs down knowing `s` and P's move `k`; node
/// 4, P commits or stays out, or (`restraint_weight` > 0) restrains its protégé. Writes the
/// node's fields of `sol` for `s`; returns A's and T's values of the subtree (before W's move
/// at the display is averaged).
#[inline(always)]
fn commitment_after_display(g: &GameInputs, s: usize, sol: &mut Solution) -> (Levels, f64) {
    // Node 5: A uses force or backs down, knowing k and s.
    let back = g.a_back_display(s);
    let mut a_node5 = [Levels::default(); 2];
    let mut t_node5 = [0.0; 2];
    let mut p_node5 = [0.0; 2];
    let (force_k, t_force, p_force) = force_by_protector_move(g, s);
    for k in 0..2 {
        let force = force_k[k];
        let (f, fh, a_force_choice, f_all) = force_choice(g, force, back);
        sol.force[s][k] = f;
        sol.force_shocked[s][k] = fh;
        sol.a_force[s][k] = force;
        a_node5[k] = a_force_choice;
        t_node5[k] = f_all * t_force[k];
        p_node5[k] = f_all * p_force[k] + (1.0 - f_all) * g.p_back_end(k);
    }
    sol.a_back_display[s] = back;
    node4(g, s, sol, a_node5, t_node5, p_node5)
}

/// Node 4 for sanctions state `s` given the values of node 5 by P's move `k` (A's, T's and
/// P's): P commits or stays out, or (`restraint_weight` > 0) restrains its protégé. Writes
/// `p_commit[s]`, `p_stay[s]`, `commit[s]` and `restrain[s]`; returns A's and T's values.
#[inline(always)]
fn node4(
    g: &GameInputs,
    s: usize,
    sol: &mut Solution,
    a_node5: [Levels; 2],
    t_node5: [f64; 2],
    p_node5: [f64; 2],
) -> (Levels, f64) {
    sol.p_commit[s] = p_node5[1];
    sol.p_stay[s] = p_node5[0];
    if !g.protector || g.restraint_weight <= 0.0 {
        let c = if g.protector {
            logit2(g.beta_p, p_node5[1], p_node5[0])
        } else {
            0.0
        };
        sol.commit[s] = c;
        (
            Levels::mix(a_node5[1], a_node5[0], c),
            c * t_node5[1] + (1.0 - c) * t_node5[0],
        )
    } else {
        // The weighted multinomial logit over commit, restrain and stay out, shifted by
        // the largest payoff (which changes no probability).
        let u_r = g.p_restrained();
        let top = p_node5[0].max(p_node5[1]).max(u_r);
        let (e_out, e_in, e_r) = (
            exp(g.beta_p * (p_node5[0] - top)),
            exp(g.beta_p * (p_node5[1] - top)),
            g.restraint_weight * exp(g.beta_p * (u_r - top)),
        );
        let sum = e_out + e_in + e_r;
        let (c, rho) = (e_in / sum, e_r / sum);
        let out = 1.0 - c - rho;
        sol.commit[s] = c;
        sol.restrain[s] = rho;
        let (a1, a0, ar) = (a_node5[1], a_node5[0], g.a_restrained(s));
        (
            Levels {
                gain: c * a1.gain + rho * ar.gain + out * a0.gain,
                military: c * a1.military + rho * ar.military + out * a0.military,
                political: c * a1.political + rho * ar.political + out * a0.political,
                economic: c * a1.economic + rho * ar.economic + out * a0.economic,
            },
            c * t_node5[1] + rho * g.t_restrained() + out * t_node5[0],
        )
    }
}

/// The display's subtree for sanctions state `s` when P moves twice
/// ([`GameInputs::moves_twice`]): node 4, P commits, stays out or (`restraint_weight` > 0)
/// restrains its protégé, seen by A; node 5 (and 5'), A uses force or backs down knowing `s`
/// and P's move `k4`, expecting P's decision at node 6; node 6, after force, P fights
/// (`k = 1`: its forces enter the use of force, war with `w_1`) or stays out (`k = 0`, `w_0`),
/// knowing `s` and `k4`. P's payoff of fighting is the use of force's with `k = 1` (the
/// commitment cost paid once, at node 4 or at node 6); of staying out, the use of force's
/// with `k = 0` less, after a commitment at node 4, that commitment's cost (sunk) and the
/// reneging cost. After staying out at node 4 with the tripwire abandoned at the display
/// (`p_tripwire_display` > 0) fighting costs that tripwire too (paid after force whatever P
/// does at node 6), so node 6 weighs only the rest of the abandonment. If A backs down P's
/// payoff is `p_back_end(k4)`. Writes node 4's fields as
/// the default tree, `force[s][k4]`, `a_force[s][k4]` (A's value of force given `k4`, its
/// expectation over node 6), and node 6's `fight`, `p_fight`, `p_abstain`.
#[inline(always)]
fn commitment_twice(g: &GameInputs, s: usize, sol: &mut Solution) -> (Levels, f64) {
    let back = g.a_back_display(s);
    let (force_k, t_force, p_force) = force_by_protector_move(g, s);
    let mut a_node5 = [Levels::default(); 2];
    let mut t_node5 = [0.0; 2];
    let mut p_node5 = [0.0; 2];
    for k4 in 0..2 {
        // Node 6: P fights or stays out, knowing its node-4 move; after staying out at node
        // 4, the tripwire abandoned at the display is paid either way (0: not at all).
        let fight = if k4 == 0 {
            p_force[1] - g.p_tripwire_display
        } else {
            p_force[1]
        };
        let stay = p_force[0] - k4 as f64 * (g.p_commit_cost + g.p_renege);
        let c6 = if g.protector {
            logit2(g.beta_p, fight, stay)
        } else {
            0.0
        };
        sol.fight[s][k4] = c6;
        sol.p_fight[s][k4] = fight;
        sol.p_abstain[s][k4] = stay;
        // Node 5: A's value of force is its expectation over node 6.
        let force = Levels::mix(force_k[1], force_k[0], c6);
        let (f, fh, a_force_choice, f_all) = force_choice(g, force, back);
        sol.force[s][k4] = f;
        sol.force_shocked[s][k4] = fh;
        sol.a_force[s][k4] = force;
        a_node5[k4] = a_force_choice;
        t_node5[k4] = f_all * (c6 * t_force[1] + (1.0 - c6) * t_force[0]);
        p_node5[k4] = f_all * (c6 * fight + (1.0 - c6) * stay) + (1.0 - f_all) * g.p_back_end(k4);
    }
    sol.a_back_display[s] = back;
    node4(g, s, sol, a_node5, t_node5, p_node5)
}

/// The display's subtree for sanctions state `s` when P decides at the casus foederis
/// ([`GameInputs::commit_at_attack`]): with restraint offered, P restrains its protégé or lets
/// play go on; (node 5') the display reveals the added cost of force with probability `pi`;
/// node 5: A uses force or backs down, knowing `s` but not P's decision, which it expects
/// with P's probability of committing; then P commits or stays out (knowing `s`), and war or
/// limited force follows with `w_k`. If A backs down P has not moved and pays nothing.
/// Writes `commit[s]` (P(commit | force)), `force[s][k]` and `force_shocked[s][k]` (the same
/// for both `k`: A does not know it), `a_force[s][k]`, `a_back_display[s]`, `p_commit[s]`,
/// `p_stay[s]` (P's values at the casus foederis) and `restrain[s]`; returns A's and T's
/// values of the subtree (before W's move at the display is averaged).
#[inline(always)]
fn commitment_at_attack(g: &GameInputs, s: usize, sol: &mut Solution) -> (Levels, f64) {
    let back = g.a_back_display(s);
    let (force_k, t_force, p_force) = force_by_protector_move(g, s);
    // P at the casus foederis: commit (fight) or stay out, once A has used force; with the
    // resolve private, each type by its own payoffs and A's expectation the mix by its belief
    // (the real game's, given the signal, the same mix of the real types' probabilities).
    let c = g.casus_foederis_commit(p_force[1], p_force[0], &mut sol.commit_type[s]);
    sol.commit[s] = c;
    sol.p_commit[s] = p_force[1];
    sol.p_stay[s] = p_force[0];
    sol.a_force[s] = force_k;
    sol.a_back_display[s] = back;
    // Node 5: A's value of force is its expectation over P's decision.
    let force = Levels::mix(force_k[1], force_k[0], c);
    let (f, fh, a_node5, f_all) = force_choice(g, force, back);
    sol.force[s] = [f, f];
    sol.force_shocked[s] = [fh, fh];
    let t_node5 = f_all * (c * t_force[1] + (1.0 - c) * t_force[0]);
    if !g.protector || g.restraint_weight <= 0.0 {
        return (a_node5, t_node5);
    }
    // Restraint at the display: the weighted two-action logit of restraining against letting
    // play go on (worth P's expectation of what follows; nothing if A backs down), shifted by
    // the larger payoff (which changes no probability).
    let p_node5 = f_all * (c * p_force[1] + (1.0 - c) * p_force[0]);
    let u_r = g.p_restrained();
    let top = p_node5.max(u_r);
    let (e_on, e_r) = (
        exp(g.beta_p * (p_node5 - top)),
        g.restraint_weight * exp(g.beta_p * (u_r - top)),
    );
    let rho = e_r / (e_on + e_r);
    sol.restrain[s] = rho;
    (
        Levels::mix(g.a_restrained(s), a_node5, rho),
        rho * g.t_restrained() + (1.0 - rho) * t_node5,
    )
}

impl Solution {
    /// Whether A acts (threat or fait accompli) on the crisis's first uniform `u0`: the first
    /// `challenge` of [0, 1) is the threat, the next `fait_accompli` the fait accompli, the
    /// rest the status quo ([`play`]).
    #[inline]
    pub fn acts(&self, u0: f64) -> bool {
        u0 < self.challenge + self.fait_accompli
    }
}

/// How a game was played.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Play {
    /// A threatened (MID 2; the threat path).
    pub challenged: bool,
    /// A seized by a fait accompli (MID 4 with no prior threat).
    pub fait_accompli: bool,
    pub resisted: bool,
    pub displayed: bool,
    /// Sanctioned at the display.
    pub sanctioned_display: bool,
    /// Node 4 was reached with a protector.
    pub protector_moved: bool,
    pub committed: bool,
    /// P restrained its protégé at node 4: T conceded at the display (play stops).
    pub restrained: bool,
    pub forced: bool,
    /// A used force after the display revealed the added cost `shock_cost` (a payoff term
    /// only: nothing in the world depends on it).
    pub shocked: bool,
    /// Sanctioned by the end of the game (at the display or at the use of force).
    pub sanctioned: bool,
    pub war: bool,
    /// P moved twice ([`GameInputs::moves_twice`]) and A used force: P decided again at the
    /// casus foederis (node 6), `fought` its decision; `committed` is then its node-4 move.
    pub moved_twice: bool,
    /// P fought at node 6 (read only with `moved_twice`).
    pub fought: bool,
}

impl Play {
    /// Whether the crisis became a dispute (MID 2 or more): a threat or a fait accompli.
    #[inline]
    pub fn disputed(&self) -> bool {
        self.challenged || self.fait_accompli
    }

    /// Whether P's forces are in the use of force (read only when A used force): P fought at
    /// node 6 when it moved twice, else it committed (at node 4, at the casus foederis, or
    /// after the fait accompli).
    #[inline]
    pub fn fought_at_attack(&self) -> bool {
        if self.moved_twice {
            self.fought
        } else {
            self.committed
        }
    }

    /// Whether `other` takes the crisis down the same course as `self`: the same moves and
    /// chance outcomes wherever they change the world or a run's events (challenge,
    /// resistance, display, sanctions, use of force, war). Whether a protector moved and
    /// committed changes neither except through what follows, compared here itself.
    pub fn same_course(&self, other: &Play) -> bool {
        (
            self.challenged,
            self.fait_accompli,
            self.resisted,
            self.displayed,
            self.sanctioned_display,
            self.restrained,
            self.forced,
            self.sanctioned,
            self.war,
        ) == (
            other.challenged,
            other.fait_accompli,
            other.resisted,
            other.displayed,
            other.sanctioned_display,
            other.restrained,
            other.forced,
            other.sanctioned,
            other.war,
        )
    }
}

/// The uniforms one game consumes, one per chance or decision node in a fixed order
/// (A's choice at node 1, resist, display, sanctions at the display, commit, force, sanctions
/// at force, war): every crisis takes all eight whatever the path, so two scenarios that
/// differ only later in the tree use the same numbers at every node they share. A fait
/// accompli reuses the commit, sanctions-at-force and war uniforms for its own commit,
/// sanctions and war. With P moving twice ([`GameInputs::moves_twice`]) its decision at the
/// casus foederis reads one more uniform, drawn after these (the `fight` argument of [`play`]).
pub const GAME_UNIFORMS: usize = 8;

/// Play the game: A's choices from `seen` (its perceived game), T's and P's from `real`, war
/// from `real_inputs.war` (after a fait accompli `real_inputs.fa.war`; the realised balance
/// decides the outcome). `u` holds the
/// [`GAME_UNIFORMS`] uniforms. `u[0]` is partitioned: below `seen.challenge` a threat, then
/// `seen.fait_accompli` a fait accompli, the rest the status quo. Without either
/// (`!seen.acts(u[0])`) neither `real` nor `real_inputs` is read (the model solves the real
/// game only after A acts). With the revealed cost on (`real_inputs.shock_prob` `pi` > 0, a
/// model parameter, the same in both games) `u[5]` is partitioned: below `pi fh` force with
/// the cost, then `(1 - pi) f` force without it. `fight` is the uniform of P's decision at
/// the casus foederis when it moves twice (read only then, after force: below
/// `real.fight[s][k4]` P fights).
pub fn play(
    seen: &Solution,
    real: &Solution,
    real_inputs: &GameInputs,
    u: &[f64; GAME_UNIFORMS],
    fight: f64,
) -> Play {
    let mut out = Play {
        challenged: u[0] < seen.challenge,
        ..Play::default()
    };
    if !out.challenged {
        out.fait_accompli = seen.acts(u[0]);
        if out.fait_accompli {
            out.forced = true;
            out.sanctioned = u[6] < real_inputs.sanction_prob;
            out.protector_moved = real_inputs.protector;
            out.committed = real_inputs.protector && u[4] < real.fa_commit;
            out.war = u[7] < real_inputs.fa.war[usize::from(out.committed)];
        }
        return out;
    }
    out.resisted = u[1] < real.resist;
    if !out.resisted {
        return out;
    }
    out.displayed = u[2] < seen.display;
    if !out.displayed {
        return out;
    }
    out.sanctioned_display = u[3] < real_inputs.sanction_prob_display;
    let s = usize::from(out.sanctioned_display);
    if real_inputs.commit_at_attack {
        return play_commitment_at_attack(seen, real, real_inputs, u, s, out);
    }
    out.protector_moved = real_inputs.protector;
    out.committed = real_inputs.protector && u[4] < real.commit[s];
    // `u_4` partitioned: below P(commit) commit, then P(restrain) restraint, the rest staying
    // out (P(restrain) is 0 with `restraint_weight` 0, so this is never true then).
    out.restrained =
        real_inputs.protector && !out.committed && u[4] < real.commit[s] + real.restrain[s];
    if out.restrained {
        // T concedes at the display under its protector's pressure: play stops.
        return out;
    }
    let k = usize::from(out.committed);
    let pi = real_inputs.shock_prob;
    if pi > 0.0 {
        // `u_5` partitioned: below pi fh force with the revealed cost, then (1 - pi) f force
        // without it, the rest backing down (whether the shock occurred then changes no
        // payoff).
        let shocked = pi * seen.force_shocked[s][k];
        out.forced = u[5] < shocked + (1.0 - pi) * seen.force[s][k];
        out.shocked = u[5] < shocked;
    } else {
        out.forced = u[5] < seen.force[s][k];
    }
    out.sanctioned = out.sanctioned_display || (out.forced && u[6] < real_inputs.sanction_prob);
    if out.forced {
        if real_inputs.moves_twice {
            // Node 6: P fights or stays out at the casus foederis, knowing its node-4 move.
            out.moved_twice = true;
            out.fought = real_inputs.protector && fight < real.fight[s][k];
            out.war = u[7] < real_inputs.war[usize::from(out.fought)];
        } else {
            out.war = u[7] < real_inputs.war[k];
        }
    }
    out
}

/// [`play`] after the display (sanctions state `s`) when P decides at the casus foederis
/// ([`GameInputs::commit_at_attack`]). `u_4` is partitioned: below P(restrain) restraint (T
/// concedes: play stops), then `(1 - P(restrain)) P(commit)` commitment, read only if A uses
/// force, the rest staying out; `u_5` as in [`play`] (A's probability of force is the same
/// for both of P's moves, which it does not know). P moves (`protector_moved`) when it
/// restrains or when A uses force.
#[inline(always)]
fn play_commitment_at_attack(
    seen: &Solution,
    real: &Solution,
    real_inputs: &GameInputs,
    u: &[f64; GAME_UNIFORMS],
    s: usize,
    mut out: Play,
) -> Play {
    let rho = real.restrain[s];
    out.restrained = real_inputs.protector && u[4] < rho;
    if out.restrained {
        out.protector_moved = true;
        return out;
    }
    let pi = real_inputs.shock_prob;
    if pi > 0.0 {
        let shocked = pi * seen.force_shocked[s][0];
        out.forced = u[5] < shocked + (1.0 - pi) * seen.force[s][0];
        out.shocked = u[5] < shocked;
    } else {
        out.forced = u[5] < seen.force[s][0];
    }
    if !out.forced {
        out.sanctioned = out.sanctioned_display;
        return out;
    }
    out.protector_moved = real_inputs.protector;
    out.committed = real_inputs.protector && u[4] < rho + (1.0 - rho) * real.commit[s];
    out.sanctioned = out.sanctioned_display || u[6] < real_inputs.sanction_prob;
    out.war = u[7] < real_inputs.war[usize::from(out.committed)];
    out
}

/// The realised payoffs (A total, T, P) of a play.
#[cfg(any(test, feature = "internals"))]
pub fn payoffs(g: &GameInputs, pl: &Play) -> (f64, f64, f64) {
    if pl.fait_accompli {
        let k = usize::from(pl.committed);
        return (
            g.a_fa_end(k, pl.war, pl.sanctioned).total(),
            g.t_fa_end(k, pl.war),
            g.p_fa_end(k, pl.war),
        );
    }
    if !pl.challenged {
        return (g.status_quo, 0.0, 0.0);
    }
    if !pl.resisted {
        // T's realised loss of conceding includes the further demands priced at its own
        // loss of resisting (solved; the same in every play of these inputs).
        let demands = if g.t_demands > 0.0 {
            g.t_demands * (-solve(g).t_resist).max(0.0)
        } else {
            0.0
        };
        return (g.a_conceded().total(), -g.t_concede - demands, 0.0);
    }
    if !pl.displayed {
        return (g.a_back_threat().total(), 0.0, 0.0);
    }
    if pl.restrained {
        let s = usize::from(pl.sanctioned_display);
        return (g.a_restrained(s).total(), g.t_restrained(), g.p_restrained());
    }
    let k = usize::from(pl.committed);
    if !pl.forced {
        let s = usize::from(pl.sanctioned_display);
        return (g.a_back_display(s).total(), 0.0, g.p_back_end(k));
    }
    let shock = if pl.shocked { g.shock_cost } else { 0.0 };
    // With P moving twice its forces are in the fight if it fought at node 6; staying out
    // after committing at node 4 costs that commitment (sunk) and the reneging; fighting
    // after staying out at node 4 costs the tripwire abandoned at the display.
    let (k, renege) = if pl.moved_twice {
        let k6 = usize::from(pl.fought);
        let renege = if k == 1 && k6 == 0 {
            g.p_commit_cost + g.p_renege
        } else if k == 0 && k6 == 1 {
            g.p_tripwire_display
        } else {
            0.0
        };
        (k6, renege)
    } else {
        (k, 0.0)
    };
    (
        g.a_force_end(k, pl.war, pl.sanctioned).total() - shock,
        g.t_force_end(k, pl.war),
        g.p_force_end(k, pl.war) - renege,
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn example() -> GameInputs {
        GameInputs {
            beta_a: 4.0,
            beta_t: 3.0,
            beta_p: 5.0,
            status_quo: 0.05,
            value: 1.2,
            audience: 0.05,
            display_cost: 0.2,
            display_reward: 0.1,
            sanctions: 0.4,
            sanction_prob: 0.4,
            sanction_prob_display: 0.3,
            p: [0.75, 0.5],
            a_force_cost: [0.15, 0.3],
            a_war_cost: [0.5, 1.4],
            a_political: [0.1, 0.25],
            trade: 0.06,
            trade_dispute: 0.03,
            war: [0.3, 0.2],
            t_concede: 1.5,
            t_demands: 0.0,
            t_value: 1.0,
            t_force_cost: [0.2, 0.15],
            t_war_cost: [0.7, 0.5],
            protector: true,
            p_commit_cost: 0.05,
            p_abandon: 0.6,
            p_force_cost: 0.1,
            p_war_cost: 0.4,
            p_value: 0.5,
            // Only the forces in theatre: A's odds are better than after a threat when P
            // commits (its reinforcement does not arrive in time).
            fa: FaitAccompli {
                p: [0.75, 0.65],
                a_force_cost: [0.15, 0.25],
                a_war_cost: [0.5, 1.2],
                war: [0.3, 0.25],
                t_force_cost: [0.2, 0.17],
                t_war_cost: [0.7, 0.6],
                // The ally was attacked: abandoning it costs more than after a threat.
                p_abandon: 0.8,
            },
            fa_weight: 1.0,
            shock_prob: 0.0,
            shock_cost: 0.0,
            restraint_weight: 0.0,
            p_restrain_cost: 0.0,
            commit_at_attack: false,
            moves_twice: false,
            p_renege: 0.0,
            p_tripwire_display: 0.0,
            resolve_spread: 0.0,
            resolve_belief: 0.0,
        }
    }

    /// The real game's solution ([`solve_responses`]) is [`solve`]'s in every field [`play`]
    /// reads of it and in every other but A's choice at node 1, left 0: with and without the
    /// fait accompli, a protector, restraint and the revealed cost.
    #[test]
    fn the_responses_are_the_solution_but_for_node_1() {
        let bits = |s: &Solution| format!("{s:?}");
        for fa_weight in [0.0, 0.7] {
            for protector in [true, false] {
                for restraint_weight in [0.0, 1.5] {
                    for (shock_prob, shock_cost) in [(0.0, 0.0), (0.35, 0.6)] {
                        let g = GameInputs {
                            fa_weight,
                            protector,
                            restraint_weight,
                            p_restrain_cost: 0.1,
                            shock_prob,
                            shock_cost,
                            ..example()
                        };
                        let (full, responses) = (solve(&g), solve_responses(&g));
                        assert!(full.challenge > 0.0);
                        assert_eq!(full.fait_accompli > 0.0, fa_weight > 0.0);
                        assert_eq!((responses.challenge, responses.fait_accompli), (0.0, 0.0));
                        let node1 = Solution {
                            challenge: full.challenge,
                            fait_accompli: full.fait_accompli,
                            ..responses
                        };
                        assert_eq!(bits(&node1), bits(&full), "{g:?}");
                    }
                }
            }
        }
    }

    /// [`example`] with the display revealing an added cost of force with probability 0.35:
    /// a cost (0.6) that moves A's choice at node 5 without settling it.
    fn shocked() -> GameInputs {
        GameInputs {
            shock_prob: 0.35,
            shock_cost: 0.6,
            ..example()
        }
    }

    /// [`example`] with alliance restraint offered (`a_R` 0.7) at a cost to P (0.02) that,
    /// with the issue's loss to P (`p_value` 0.5), puts it between committing and staying out.
    fn restrained() -> GameInputs {
        GameInputs {
            restraint_weight: 0.7,
            p_restrain_cost: 0.02,
            ..example()
        }
    }

    /// `g` with P deciding at the casus foederis, after A's use of force
    /// ([`GameInputs::commit_at_attack`]).
    fn at_attack(g: GameInputs) -> GameInputs {
        GameInputs {
            commit_at_attack: true,
            ..g
        }
    }

    /// `g` with P moving twice ([`GameInputs::moves_twice`]): at the display and again at the
    /// casus foederis, reneging on a commitment costing 0.3.
    fn twice(g: GameInputs) -> GameInputs {
        GameInputs {
            moves_twice: true,
            p_renege: 0.3,
            ..g
        }
    }

    /// `g` (moving twice) with the tripwire abandoned at the display
    /// ([`GameInputs::p_tripwire_display`]): 0.4 of its abandonment cost `p_abandon` (0.6 in
    /// [`example`]) is a stationed force's, the rest the treaty's.
    fn tripwire(g: GameInputs) -> GameInputs {
        GameInputs {
            p_tripwire_display: 0.4,
            ..g
        }
    }

    /// The uniforms of a play in the consistency checks: the game's and, last, the uniform of
    /// P's decision at the casus foederis when it moves twice.
    const U: usize = GAME_UNIFORMS + 1;

    /// A generic binary game tree and its agent logit QRE by backward induction, written
    /// independently of [`solve`]: leaves carry (A, T, P) payoffs; a decision node names its
    /// mover (0 A, 1 T, 2 P) and chooses `children[1]` with the logit probability; a chance
    /// node takes `children[1]` with probability `prob`.
    /// `Choose` is a decision node with any number of actions: the mover takes child `j`
    /// with probability `exp(beta U_j) / sum_l exp(beta U_l)` (multinomial logit).
    /// `Weighted` is a `Choose` node whose action `j` has weight `a_j`: probability
    /// `a_j exp(beta U_j) / sum_l a_l exp(beta U_l)` (node 4 with alliance restraint).
    enum Tree {
        Leaf([f64; 3]),
        Decide(usize, Box<Tree>, Box<Tree>),
        Choose(usize, Vec<Tree>),
        Weighted(usize, Vec<f64>, Vec<Tree>),
        Chance(f64, Box<Tree>, Box<Tree>),
    }

    /// The choice probabilities of a `Choose` node of mover `i` over children worth `v`,
    /// weighted by `w`.
    fn choice(i: usize, v: &[[f64; 3]], w: &[f64], beta: [f64; 3]) -> Vec<f64> {
        if beta[i].is_infinite() {
            // Subgame-perfect play: the best action for sure (ties share equally).
            let best = v.iter().map(|x| x[i]).fold(f64::NEG_INFINITY, f64::max);
            let n = v.iter().filter(|x| x[i] == best).count() as f64;
            return v
                .iter()
                .map(|x| if x[i] == best { 1.0 / n } else { 0.0 })
                .collect();
        }
        let e: Vec<f64> = v
            .iter()
            .zip(w)
            .map(|(x, a)| a * exp(beta[i] * x[i]))
            .collect();
        let sum: f64 = e.iter().sum();
        e.iter().map(|x| x / sum).collect()
    }

    fn value(t: &Tree, beta: [f64; 3]) -> [f64; 3] {
        match t {
            Tree::Leaf(x) => *x,
            Tree::Decide(i, c0, c1) => {
                let (v0, v1) = (value(c0, beta), value(c1, beta));
                let q = if beta[*i].is_infinite() {
                    // Subgame-perfect play: the better action for sure (ties: 1/2).
                    if v1[*i] > v0[*i] {
                        1.0
                    } else if v1[*i] < v0[*i] {
                        0.0
                    } else {
                        0.5
                    }
                } else {
                    1.0 / (1.0 + exp(-beta[*i] * (v1[*i] - v0[*i])))
                };
                [0, 1, 2].map(|j| q * v1[j] + (1.0 - q) * v0[j])
            }
            Tree::Choose(i, children) => {
                let v: Vec<[f64; 3]> = children.iter().map(|c| value(c, beta)).collect();
                let q = choice(*i, &v, &vec![1.0; v.len()], beta);
                [0, 1, 2].map(|j| v.iter().zip(&q).map(|(x, q)| q * x[j]).sum())
            }
            Tree::Weighted(i, w, children) => {
                let v: Vec<[f64; 3]> = children.iter().map(|c| value(c, beta)).collect();
                let q = choice(*i, &v, w, beta);
                [0, 1, 2].map(|j| v.iter().zip(&q).map(|(x, q)| q * x[j]).sum())
            }
            Tree::Chance(p, c0, c1) => {
                let (v0, v1) = (value(c0, beta), value(c1, beta));
                [0, 1, 2].map(|j| p * v1[j] + (1.0 - p) * v0[j])
            }
        }
    }

    fn leaf(x: [f64; 3]) -> Box<Tree> {
        Box::new(Tree::Leaf(x))
    }

    /// The crisis game as a generic tree, from its terminal payoffs. Node 5 follows a chance
    /// node: with probability `shock_prob` A's force leaves carry `shock_cost` more. With P's
    /// resolve private, P's decision at the casus foederis (after force, after a fait
    /// accompli) follows a chance node of its type, resolute with A's belief
    /// `resolve_belief`, each type's staying out costing `theta resolve_spread` more: P makes
    /// no move before it (restraint is not offered) and the type enters no other payoff, so
    /// this chance node stands for A's (and T's) information set over the two types given the
    /// signal.
    fn as_tree(g: &GameInputs) -> Tree {
        // A use of force after the display with P's move `k`: war or limited force, sanctions
        // by the end (A's force leaves carry `extra` more cost; P's `shift` more).
        let force_typed = |s: usize, k: usize, extra: f64, shift: f64| {
            let sanc = if s == 1 { 1.0 } else { g.sanction_prob };
            let end = |war: bool, sanctioned: bool| {
                leaf([
                    g.a_force_end(k, war, sanctioned).total() - extra,
                    g.t_force_end(k, war),
                    g.p_force_end(k, war) - shift,
                ])
            };
            Tree::Chance(
                g.war[k],
                Box::new(Tree::Chance(sanc, end(false, false), end(false, true))),
                Box::new(Tree::Chance(sanc, end(true, false), end(true, true))),
            )
        };
        let force = |s: usize, k: usize, extra: f64| force_typed(s, k, extra, 0.0);
        // P's decision at the casus foederis between `out(shift)` and `inside`: with the
        // resolve private, after the chance node of its type.
        let casus = |out: &dyn Fn(f64) -> Tree, inside: &dyn Fn() -> Tree| {
            let decide = |shift: f64| Tree::Decide(2, Box::new(out(shift)), Box::new(inside()));
            if g.private_resolve() {
                let d = g.resolve_spread;
                Tree::Chance(g.resolve_belief, Box::new(decide(-d)), Box::new(decide(d)))
            } else {
                decide(0.0)
            }
        };
        // With P moving twice, force is followed by P's second decision (node 6): fight
        // (`k = 1`) or stay out, which after a commitment at node 4 (`k4` 1) costs the sunk
        // commitment and the reneging; after staying out (`k4` 0) fighting costs the tripwire
        // abandoned at the display.
        let decide5 = |s: usize, k: usize, extra: f64| {
            let after = if g.moves_twice && g.protector {
                let renege = k as f64 * (g.p_commit_cost + g.p_renege);
                let tripwire = (1 - k) as f64 * g.p_tripwire_display;
                Tree::Decide(
                    2,
                    Box::new(force_typed(s, 0, extra, renege)),
                    Box::new(force_typed(s, 1, extra, tripwire)),
                )
            } else {
                force(s, k, extra)
            };
            Tree::Decide(
                0,
                leaf([g.a_back_display(s).total(), 0.0, g.p_back_end(k)]),
                Box::new(after),
            )
        };
        // With the commitment at the attack: A decides first; P decides after force.
        let attack = |s: usize, extra: f64| {
            let after = if g.protector {
                casus(&|shift| force_typed(s, 0, extra, shift), &|| force(s, 1, extra))
            } else {
                force(s, 0, extra)
            };
            Tree::Decide(
                0,
                leaf([g.a_back_display(s).total(), 0.0, 0.0]),
                Box::new(after),
            )
        };
        let node5 = |s: usize, k: usize| {
            if g.shock_prob > 0.0 {
                Tree::Chance(
                    g.shock_prob,
                    Box::new(decide5(s, k, 0.0)),
                    Box::new(decide5(s, k, g.shock_cost)),
                )
            } else {
                decide5(s, k, 0.0)
            }
        };
        let node4 = |s: usize| {
            if g.commit_at_attack {
                let node5 = if g.shock_prob > 0.0 {
                    Tree::Chance(
                        g.shock_prob,
                        Box::new(attack(s, 0.0)),
                        Box::new(attack(s, g.shock_cost)),
                    )
                } else {
                    attack(s, 0.0)
                };
                if !(g.protector && g.restraint_weight > 0.0) {
                    return node5;
                }
                let restrained = Tree::Leaf([
                    g.a_restrained(s).total(),
                    g.t_restrained(),
                    g.p_restrained(),
                ]);
                return Tree::Weighted(2, vec![1.0, g.restraint_weight], vec![node5, restrained]);
            }
            if g.protector && g.restraint_weight > 0.0 {
                // Alliance restraint: T concedes at the display; A keeps the concession's gain
                // and the display's reward, and has paid the display, sanctions at the
                // display and the dispute's trade; T pays its cost of conceding, P its cost
                // of restraining.
                let restrained = Tree::Leaf([
                    g.value + g.display_reward
                        - g.display_cost
                        - s as f64 * g.sanctions
                        - g.trade_dispute,
                    -g.t_concede,
                    -g.p_value - g.p_restrain_cost,
                ]);
                Tree::Weighted(
                    2,
                    vec![1.0, 1.0, g.restraint_weight],
                    vec![node5(s, 0), node5(s, 1), restrained],
                )
            } else if g.protector {
                Tree::Decide(2, Box::new(node5(s, 0)), Box::new(node5(s, 1)))
            } else {
                node5(s, 0)
            }
        };
        let display = Tree::Chance(
            g.sanction_prob_display,
            Box::new(node4(0)),
            Box::new(node4(1)),
        );
        let resisted = Tree::Decide(
            0,
            leaf([-g.audience - g.trade_dispute, 0.0, 0.0]),
            Box::new(display),
        );
        let threat = Tree::Decide(
            1,
            leaf([g.value - g.trade_dispute, -g.t_concede, 0.0]),
            Box::new(resisted),
        );
        // The fait accompli: P commits or stays out; war with probability w^F_k; W
        // sanctions with probability s.
        let seized = |k: usize, shift: f64| {
            let end = |war: bool, sanctioned: bool| {
                leaf([
                    g.a_fa_end(k, war, sanctioned).total(),
                    g.t_fa_end(k, war),
                    g.p_fa_end(k, war) - if k == 0 { shift } else { 0.0 },
                ])
            };
            let s = g.sanction_prob;
            Tree::Chance(
                g.fa.war[k],
                Box::new(Tree::Chance(s, end(false, false), end(false, true))),
                Box::new(Tree::Chance(s, end(true, false), end(true, true))),
            )
        };
        let fait_accompli = if g.protector {
            casus(&|shift| seized(0, shift), &|| seized(1, 0.0))
        } else {
            seized(0, 0.0)
        };
        Tree::Choose(
            0,
            vec![Tree::Leaf([g.status_quo, 0.0, 0.0]), threat, fait_accompli],
        )
    }

    /// Closed form: a two-node tree (A: out, or in; then T: left or right). T's logit choice is
    /// `1 / (1 + exp(-beta_T (t_r - t_l)))`, A's `1 / (1 + exp(-beta_A (U_in - a_out)))` with
    /// `U_in` T's mix of A's payoffs.
    #[test]
    fn two_node_tree_matches_its_analytic_qre() {
        let (a_out, a_l, a_r, t_l, t_r): (f64, f64, f64, f64, f64) = (0.3, 1.0, -0.5, 0.2, 0.6);
        let (ba, bt): (f64, f64) = (2.0, 3.0);
        let q_t = 1.0 / (1.0 + exp(-bt * (t_r - t_l)));
        let u_in = q_t * a_r + (1.0 - q_t) * a_l;
        let q_a = 1.0 / (1.0 + exp(-ba * (u_in - a_out)));
        let tree = Tree::Decide(
            0,
            leaf([a_out, 0.0, 0.0]),
            Box::new(Tree::Decide(
                1,
                leaf([a_l, t_l, 0.0]),
                leaf([a_r, t_r, 0.0]),
            )),
        );
        let v = value(&tree, [ba, bt, 1.0]);
        let expect_a = q_a * u_in + (1.0 - q_a) * a_out;
        assert!((v[0] - expect_a).abs() < 1e-15, "{} vs {expect_a}", v[0]);
        // The same two nodes inside the crisis game: T's node with the display branch closed
        // (A backs down for sure) is exactly this tree's T node.
        assert!((logit2(bt, t_r, t_l) - q_t).abs() < 1e-15);
        assert!((logit2(ba, u_in, a_out) - q_a).abs() < 1e-15);
    }

    /// A's value of node 1 and T's value of the root from a solution.
    fn root_values(g: &GameInputs, sol: &Solution) -> (f64, f64) {
        let sq = 1.0 - sol.challenge - sol.fait_accompli;
        let a = sol.challenge * sol.a_challenge.total()
            + sol.fait_accompli * sol.a_fait_accompli.total()
            + sq * g.status_quo;
        let t = sol.challenge * (sol.resist * sol.t_resist + (1.0 - sol.resist) * sol.t_concede)
            + sol.fait_accompli * sol.t_fait_accompli;
        (a, t)
    }

    /// [`solve`] is the backward pass of the generic tree (three actions at node 1): A's
    /// root value and T's values agree with the independent recursion, with and without a
    /// protector, and with node 1 reduced to the threat alone (`fa_weight` 0) the generic
    /// tree without the fait accompli.
    #[test]
    fn solve_is_the_backward_pass_of_the_tree() {
        for (protector, base) in [
            (true, example()),
            (false, example()),
            (true, shocked()),
            (false, shocked()),
            (true, restrained()),
            (false, restrained()),
            (
                true,
                GameInputs {
                    restraint_weight: 2.5,
                    ..shocked()
                },
            ),
            (true, at_attack(example())),
            (false, at_attack(example())),
            (true, at_attack(shocked())),
            (true, at_attack(restrained())),
            (
                true,
                at_attack(GameInputs {
                    restraint_weight: 2.5,
                    ..shocked()
                }),
            ),
            (true, twice(example())),
            (false, twice(example())),
            (true, twice(shocked())),
            (true, twice(restrained())),
            (
                true,
                twice(GameInputs {
                    restraint_weight: 2.5,
                    ..shocked()
                }),
            ),
            (true, tripwire(twice(example()))),
            (false, tripwire(twice(example()))),
            (true, tripwire(twice(shocked()))),
            (true, tripwire(twice(restrained()))),
        ] {
            let g = GameInputs { protector, ..base };
            let sol = solve(&g);
            let v = value(&as_tree(&g), [g.beta_a, g.beta_t, g.beta_p]);
            let (root_a, root_t) = root_values(&g, &sol);
            assert!((v[0] - root_a).abs() < 1e-12, "{} vs {root_a}", v[0]);
            assert!((v[1] - root_t).abs() < 1e-12, "{} vs {root_t}", v[1]);
            assert!(sol.fait_accompli > 0.0 && sol.challenge > 0.0);
            // Without the fait accompli: the two-action node of the threat alone.
            let g2 = GameInputs {
                fa_weight: 0.0,
                ..g
            };
            let sol2 = solve(&g2);
            assert_eq!(sol2.fait_accompli, 0.0);
            let Tree::Choose(_, mut kids) = as_tree(&g2) else {
                unreachable!()
            };
            kids.pop();
            let v2 = value(&Tree::Choose(0, kids), [g.beta_a, g.beta_t, g.beta_p]);
            let (root_a2, _) = root_values(&g2, &sol2);
            assert!((v2[0] - root_a2).abs() < 1e-12, "{} vs {root_a2}", v2[0]);
        }
    }

    /// Node 1 against its closed form: the multinomial logit `exp(beta_A U_j) / sum_l
    /// exp(beta_A U_l)` over the status quo, the threat and the fait accompli, with the fait
    /// accompli's value written out from its leaves (no protector: `k = 0`; sanctions with
    /// probability `s`, war with `w^F_0`).
    #[test]
    fn three_action_node_matches_its_analytic_multinomial_logit() {
        let g = GameInputs {
            protector: false,
            ..example()
        };
        let sol = solve(&g);
        let (p, v, s, w) = (g.fa.p[0], g.value, g.sanction_prob, g.fa.war[0]);
        let common = p * v - g.a_political[0] - g.trade - s * g.sanctions;
        let u_fa = w * (common - g.fa.a_war_cost[0]) + (1.0 - w) * (common - g.fa.a_force_cost[0]);
        assert!((sol.a_fait_accompli.total() - u_fa).abs() < 1e-14);
        let u = [g.status_quo, sol.a_challenge.total(), u_fa];
        let e = u.map(|x| exp(g.beta_a * x));
        let sum = e[0] + e[1] + e[2];
        assert!((sol.challenge - e[1] / sum).abs() < 1e-14, "{}", sol.challenge);
        assert!((sol.fait_accompli - e[2] / sum).abs() < 1e-14);
        // The log-odds of any two actions are beta_A times their payoff difference
        // (independence of irrelevant alternatives).
        let lo = (sol.fait_accompli / sol.challenge).ln();
        assert!((lo - g.beta_a * (u_fa - u[1])).abs() < 1e-12, "{lo}");
        // A weight a_F multiplies the fait accompli's term: its odds against the threat are
        // a_F times as large.
        let w = solve(&GameInputs {
            fa_weight: 0.25,
            ..g
        });
        let odds = (w.fait_accompli / w.challenge) / (sol.fait_accompli / sol.challenge);
        assert!((odds - 0.25).abs() < 1e-12, "{odds}");
        let e_w = [e[0], e[1], 0.25 * e[2]];
        let sum_w = e_w[0] + e_w[1] + e_w[2];
        assert!((w.challenge - e_w[1] / sum_w).abs() < 1e-14);
        // Large payoffs do not overflow (the exponents are shifted by the largest).
        let big = solve(&GameInputs {
            beta_a: 100.0,
            status_quo: 10.0,
            ..g
        });
        assert!(big.challenge.is_finite() && big.fait_accompli.is_finite());
        assert!(big.challenge + big.fait_accompli < 1e-100);
    }

    /// Inputs of `g` for given balances: A's probabilities of prevailing after a threat
    /// (`p0`, `p1`: P out, in) and after a fait accompli with P in (`pf1`; with P out the
    /// balance is the same, `p0`), every cost that depends on them from the forms of the
    /// engine (docs/MODEL.md 7.6: war cost `0.8 (2 (1 - p) + punishment)` with punishment
    /// 1.5 when P commits, limited force 0.3 of it, T's war cost `0.6 x 2 p`), war 0.2.
    fn with_balance(g: GameInputs, p0: f64, p1: f64, pf1: f64) -> GameInputs {
        let cw = |p: f64, k: usize| 0.8 * (2.0 * (1.0 - p) + if k == 1 { 1.5 } else { 0.0 });
        let tw = |p: f64| 0.6 * 2.0 * p;
        GameInputs {
            p: [p0, p1],
            a_war_cost: [cw(p0, 0), cw(p1, 1)],
            a_force_cost: [0.3 * cw(p0, 0), 0.3 * cw(p1, 1)],
            t_war_cost: [tw(p0), tw(p1)],
            t_force_cost: [0.3 * tw(p0), 0.3 * tw(p1)],
            war: [0.2, 0.2],
            fa: FaitAccompli {
                p: [p0, pf1],
                a_war_cost: [cw(p0, 0), cw(pf1, 1)],
                a_force_cost: [0.3 * cw(p0, 0), 0.3 * cw(pf1, 1)],
                t_war_cost: [tw(p0), tw(pf1)],
                t_force_cost: [0.3 * tw(p0), 0.3 * tw(pf1)],
                war: [0.2, 0.2],
                p_abandon: g.p_abandon,
            },
            ..g
        }
    }

    /// The choice probabilities of every node of a solution.
    /// Every choice probability of `sol`, solved from `g` (the revealed cost's force
    /// probabilities only when `g` has the shock on).
    fn all_choices(sol: &Solution, g: &GameInputs) -> Vec<f64> {
        [
            sol.challenge,
            sol.fait_accompli,
            sol.fa_commit,
            sol.resist,
            sol.display,
            sol.commit[0],
            sol.commit[1],
        ]
        .into_iter()
        .chain(sol.force.iter().flatten().copied())
        .chain(
            sol.force_shocked
                .iter()
                .flatten()
                .copied()
                .filter(|_| g.shock_prob > 0.0),
        )
        .chain(sol.restrain.into_iter().filter(|_| g.restraint_weight > 0.0))
        .chain(sol.fight.iter().flatten().copied().filter(|_| g.moves_twice))
        .collect()
    }

    /// `g` with every player's rationality 1e9: the beta -> infinity limit of the QRE.
    fn strict(g: GameInputs) -> GameInputs {
        GameInputs {
            beta_a: 1e9,
            beta_t: 1e9,
            beta_p: 1e9,
            ..g
        }
    }

    /// beta -> infinity: the QRE becomes subgame-perfect play (the generic tree with strict
    /// best replies), with every choice probability 0 or 1. Two balances: a protector far
    /// away with nothing in theatre (its reinforcement decides the fight after a threat, none
    /// of it arrives against a fait accompli: the fait accompli is the SPE choice), and the
    /// same protector's capability as a tripwire in theatre (the fait accompli meets it too,
    /// and its engaged forces make P commit: the threat or the status quo is the SPE choice).
    #[test]
    fn infinite_rationality_is_subgame_perfect() {
        let check = |g: &GameInputs| {
            let sol = solve(g);
            let spe = value(&as_tree(g), [f64::INFINITY; 3]);
            let (root_a, _) = root_values(g, &sol);
            assert!((spe[0] - root_a).abs() < 1e-9, "{} vs {root_a}", spe[0]);
            for q in all_choices(&sol, g) {
                assert!(q == 0.0 || q == 1.0, "{q}");
            }
            sol
        };
        check(&strict(example()));
        check(&strict(shocked()));
        check(&strict(at_attack(example())));
        check(&strict(at_attack(shocked())));
        check(&strict(twice(example())));
        check(&strict(twice(shocked())));
        check(&strict(tripwire(twice(example()))));
        check(&strict(tripwire(twice(shocked()))));
        // Moving twice, the reneging cost decides node 6 after a commitment: P, which would
        // stay out of a use of force it did not commit to (fighting costs 1 more than the
        // abandonment), fights after committing only when reneging costs more than that
        // difference less the sunk commitment.
        let node6 = |renege: f64| {
            let g = strict(GameInputs {
                p_abandon: 0.2,
                p_force_cost: 1.0,
                p_war_cost: 1.0,
                p_value: 0.0,
                p_renege: renege,
                ..twice(example())
            });
            let sol = check(&g);
            (sol.fight[0], g)
        };
        let (f, g) = node6(0.0);
        assert_eq!(f, [0.0, 0.0], "{g:?}");
        // Fighting is worth -(c + 1); staying out after committing -(0.2 + c + r): fights
        // once r > 0.8.
        assert_eq!(node6(0.79).0, [0.0, 0.0]);
        assert_eq!(node6(0.81).0, [0.0, 1.0]);
        // Far protector: locally A is overwhelming (0.9 against the target alone and against
        // the forces in theatre), the reinforcement after a threat makes it 0.2; P commits
        // (its abandon cost is high).
        let far = strict(with_balance(
            GameInputs {
                p_abandon: 1.5,
                value: 1.5,
                ..example()
            },
            0.9,
            0.2,
            0.9,
        ));
        let sol = check(&far);
        assert_eq!(sol.fait_accompli, 1.0, "{sol:?}");
        assert_eq!(sol.fa_commit, 1.0);
        // Tripwire: the same capability in theatre, so the fait accompli meets the same
        // balance as a use of force after a threat.
        let trip = strict(with_balance(
            GameInputs {
                p_abandon: 1.5,
                value: 1.5,
                ..example()
            },
            0.9,
            0.2,
            0.2,
        ));
        let sol = check(&trip);
        assert_eq!(sol.fait_accompli, 0.0, "{sol:?}");
        assert_eq!(sol.fa_commit, 1.0);
    }

    /// beta = 0: every choice is uniform, whatever the payoffs: 1/3 each at node 1, a coin
    /// flip at every other node.
    #[test]
    fn zero_rationality_gives_uniform_choices() {
        for base in [
            example(),
            shocked(),
            at_attack(example()),
            at_attack(shocked()),
            twice(example()),
            twice(shocked()),
            tripwire(twice(shocked())),
        ] {
            let g = GameInputs {
                beta_a: 0.0,
                beta_t: 0.0,
                beta_p: 0.0,
                ..base
            };
            let sol = solve(&g);
            assert_eq!(sol.challenge, 1.0 / 3.0);
            assert_eq!(sol.fait_accompli, 1.0 / 3.0);
            let choices = all_choices(&sol, &g);
            let fight = if base.moves_twice { 4 } else { 0 };
            assert_eq!(
                choices.len(),
                fight + if base.shock_prob > 0.0 { 15 } else { 11 }
            );
            for q in choices.into_iter().skip(2) {
                assert_eq!(q, 0.5);
            }
        }
    }

    /// The cost of force revealed by the display (`shock_prob` pi, `shock_cost` x; docs/MODEL.md
    /// 7.7) against its closed form, without a protector (node 4 skipped, `k = 0`): A uses
    /// force with `f = logistic(beta_A (FA - BA))` if no cost was revealed, `fh =
    /// logistic(beta_A (FA - x - BA))` if it was; T meets force with `pi fh + (1 - pi) f`;
    /// A's value of node 5 is `pi [fh (FA - x) + (1 - fh) BA] + (1 - pi) [f FA + (1 - f) BA]`.
    /// Limits: pi = 0 is the game without the shock bit for bit whatever x; x = 0 changes no
    /// probability; pi = 1 with a prohibitive x leaves T nothing to fear from resisting, so
    /// `P(T resists) = logistic(beta_T tk)`.
    #[test]
    fn a_revealed_cost_of_force_matches_its_closed_form() {
        let g = GameInputs {
            protector: false,
            ..shocked()
        };
        let sol = solve(&g);
        let (pi, x) = (g.shock_prob, g.shock_cost);
        let mut dt = 0.0;
        let mut da = 0.0;
        for s in 0..2 {
            let sig = if s == 1 { 1.0 } else { g.sanction_prob };
            let w = g.war[0];
            let end = |war: bool| {
                sig * g.a_force_end(0, war, true).total()
                    + (1.0 - sig) * g.a_force_end(0, war, false).total()
            };
            let fa = w * end(true) + (1.0 - w) * end(false);
            let ba = g.a_back_display(s).total();
            let f = 1.0 / (1.0 + exp(-g.beta_a * (fa - ba)));
            let fh = 1.0 / (1.0 + exp(-g.beta_a * (fa - x - ba)));
            assert!((sol.force[s][0] - f).abs() < 1e-14);
            assert!((sol.force_shocked[s][0] - fh).abs() < 1e-14);
            let va5 = pi * (fh * (fa - x) + (1.0 - fh) * ba) + (1.0 - pi) * (f * fa + (1.0 - f) * ba);
            let t_force = w * g.t_force_end(0, true) + (1.0 - w) * g.t_force_end(0, false);
            let vt5 = (pi * fh + (1.0 - pi) * f) * t_force;
            let ws = if s == 1 {
                g.sanction_prob_display
            } else {
                1.0 - g.sanction_prob_display
            };
            da += ws * va5;
            dt += ws * vt5;
        }
        assert!((sol.a_display.total() - da).abs() < 1e-14, "{da}");
        let d = 1.0 / (1.0 + exp(-g.beta_a * (da - g.a_back_threat().total())));
        assert!((sol.display - d).abs() < 1e-14);
        let r = 1.0 / (1.0 + exp(-g.beta_t * (d * dt + g.t_concede)));
        assert!((sol.resist - r).abs() < 1e-14, "{} vs {r}", sol.resist);
        // The shock makes the target likelier to resist (force is less likely after it).
        let plain = solve(&GameInputs {
            shock_prob: 0.0,
            ..g
        });
        assert!(sol.resist > plain.resist && sol.display < plain.display);
        // pi = 0: the game without the shock, bit for bit, whatever the cost.
        for base in [example(), GameInputs { protector: false, ..example() }] {
            let a = solve(&base);
            let b = solve(&GameInputs {
                shock_cost: 5.0,
                ..base
            });
            assert_eq!(a, b);
        }
        // x = 0: no probability moves.
        let zero_cost = GameInputs {
            shock_cost: 0.0,
            ..shocked()
        };
        let zero = solve(&zero_cost);
        let none = solve(&example());
        for (a, b) in all_choices(&none, &example())
            .into_iter()
            .zip(all_choices(&zero, &zero_cost))
        {
            assert!((a - b).abs() < 1e-14, "{a} vs {b}");
        }
        // pi = 1 with a prohibitive cost: A never uses force, T resists at logistic(beta_T tk).
        let never = solve(&GameInputs {
            shock_prob: 1.0,
            shock_cost: 1e6,
            ..g
        });
        let r = 1.0 / (1.0 + exp(-g.beta_t * g.t_concede));
        assert!((never.resist - r).abs() < 1e-12, "{} vs {r}", never.resist);
    }

    /// Strategic consistency: at every node, the expected payoff the mover uses for an action
    /// equals the average realised payoff when that action is taken and play continues by the
    /// equilibrium (Monte Carlo, 200,000 plays per check; tolerance 4.5 standard errors).
    #[test]
    fn continuation_values_equal_realised_payoffs() {
        consistent(&example(), 9);
    }

    /// Strategic consistency with the display revealing an added cost of force (docs/MODEL.md
    /// 7.7): the same checks as [`continuation_values_equal_realised_payoffs`], the play
    /// drawing the shock from `u_5`'s partition; A's value of using force is then the mix
    /// of its value with and without the added cost, weighted by how often each leads to
    /// force.
    #[test]
    fn continuation_values_equal_realised_payoffs_with_a_revealed_cost() {
        consistent(&shocked(), 10);
    }

    /// The further demands a concession invites, priced at T's own loss of resisting
    /// (docs/MODEL.md 7.6, `concession_demands_loss`): node 2 compares `d DT` with
    /// `-(tk + t_demands (-d DT))`, so T's log-odds of resisting are `beta_T (d DT (1 -
    /// t_demands) + tk)`; nothing after node 2 moves; at 0 the solution is the one without the
    /// term bit for bit; and the realised payoffs stay consistent with the values T uses.
    #[test]
    fn further_demands_priced_at_own_loss_match_their_closed_form() {
        let g = example();
        assert_eq!(g.t_demands, 0.0);
        let base = solve(&g);
        assert!(base.t_resist < 0.0, "the example's T loses by resisting");
        let mut last = base.resist;
        for td in [0.5, 1.0, 2.5] {
            let h = GameInputs { t_demands: td, ..g };
            let sol = solve(&h);
            let expect = 1.0 / (1.0 + (-g.beta_t * (base.t_resist * (1.0 - td) + g.t_concede)).exp());
            assert!((sol.resist - expect).abs() < 1e-14, "{td}: {} vs {expect}", sol.resist);
            assert!((sol.t_concede - (-g.t_concede + td * base.t_resist)).abs() < 1e-14);
            // T's realised payoff of conceding is the same (a leaf: no chance after it).
            let conceded = Play {
                challenged: true,
                ..Play::default()
            };
            assert!((payoffs(&h, &conceded).1 - (-g.t_concede + td * base.t_resist)).abs() < 1e-14);
            assert!(sol.resist > last, "resistance did not rise at {td}");
            last = sol.resist;
            assert_eq!(sol.display, base.display);
            assert_eq!(sol.t_resist, base.t_resist);
            assert_eq!(sol.force, base.force);
            assert_eq!(sol.commit, base.commit);
        }
        consistent(&GameInputs { t_demands: 1.5, ..g }, 12);
    }

    /// The strategic-consistency checks of game `g` (seed `seed`): every node the play can
    /// reach under `g`'s solution (a node behind an action of probability 0, such as the fait
    /// accompli when it is off or a protector's decision when there is none, is skipped).
    /// Returns the number of checks made.
    pub(crate) fn consistent(g: &GameInputs, seed: u64) -> usize {
        let g = *g;
        let sol = solve(&g);
        let made = std::cell::Cell::new(0usize);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let n = 200_000;
        // Force the play to a node by overriding uniforms: u = 0 takes "yes", 1 - eps "no".
        let check = |name: &str,
                     fix: &dyn Fn(&mut [f64; U]),
                     who: usize,
                     expect: f64,
                     rng: &mut ChaCha8Rng| {
            let (mut sum, mut sum2) = (0.0, 0.0);
            for _ in 0..n {
                let mut u = [0.0; U];
                for x in &mut u {
                    *x = rng.random::<f64>();
                }
                fix(&mut u);
                let pl = play(&sol, &sol, &g, u[..GAME_UNIFORMS].try_into().unwrap(), u[GAME_UNIFORMS]);
                let p = payoffs(&g, &pl);
                let x = [p.0, p.1, p.2][who];
                sum += x;
                sum2 += x * x;
            }
            made.set(made.get() + 1);
            let mean = sum / n as f64;
            let se = ((sum2 / n as f64 - mean * mean).max(0.0) / n as f64).sqrt();
            // A branch rarer than about 1 in n plays (a war of probability 1e-9 after force)
            // is not seen, so the sample's se misses its share of the value: by the rule of
            // three it is below 3 / n with 95% confidence, and its payoff at most a few times
            // the value's scale, hence the floor 5 (1 + |expect|) / n (2.5e-5 at n = 200,000).
            let unseen = 5.0 * (1.0 + expect.abs()) / n as f64;
            assert!(
                (mean - expect).abs() <= 4.5 * se + unseen,
                "{name}: realised {mean} vs continuation {expect} (se {se})"
            );
        };
        let yes = 0.0;
        let no = 1.0 - 1e-12;
        let displays = sol.challenge > 0.0 && sol.resist > 0.0 && sol.display > 0.0;
        // The fait accompli's slice of u_0 (after the threat's).
        let seize = sol.challenge + 0.5 * sol.fait_accompli;
        if sol.fait_accompli > 0.0 {
            check(
                "A seizes (fait accompli)",
                &|u| u[0] = seize,
                0,
                sol.a_fait_accompli.total(),
                &mut rng,
            );
        }
        if sol.fait_accompli > 0.0 {
            check(
                "T after a fait accompli",
                &|u| u[0] = seize,
                1,
                sol.t_fait_accompli,
                &mut rng,
            );
        }
        if sol.fait_accompli > 0.0 && g.protector && sol.fa_commit > 0.0 {
            check(
                "P commits after a fait accompli",
                &|u| {
                    u[0] = seize;
                    u[4] = yes
                },
                2,
                sol.p_fa_commit,
                &mut rng,
            );
        }
        if sol.fait_accompli > 0.0 && g.protector && sol.fa_commit < 1.0 {
            check(
                "P stays out after a fait accompli",
                &|u| {
                    u[0] = seize;
                    u[4] = no
                },
                2,
                sol.p_fa_stay,
                &mut rng,
            );
        }
        if sol.challenge + sol.fait_accompli < 1.0 {
            check(
                "A keeps the status quo",
                &|u| u[0] = no,
                0,
                g.status_quo,
                &mut rng,
            );
        }
        if sol.challenge > 0.0 {
            check(
                "A challenges",
                &|u| u[0] = yes,
                0,
                sol.a_challenge.total(),
                &mut rng,
            );
        }
        if sol.challenge > 0.0 && sol.resist > 0.0 {
            check(
                "T resists",
                &|u| {
                    u[0] = yes;
                    u[1] = yes
                },
                1,
                sol.t_resist,
                &mut rng,
            );
        }
        if displays {
            check(
                "A displays",
                &|u| {
                    u[0] = yes;
                    u[1] = yes;
                    u[2] = yes
                },
                0,
                sol.a_display.total(),
                &mut rng,
            );
        }
        for s in 0..2 {
            let us = if s == 1 { yes } else { no };
            let sanctions = if s == 1 {
                g.sanction_prob_display > 0.0
            } else {
                g.sanction_prob_display < 1.0
            };
            if !displays || !sanctions {
                continue;
            }
            if g.commit_at_attack {
                consistent_at_attack(&g, &sol, s, us, &check, &mut rng);
                continue;
            }
            // P's node 4 (`u_4`: commitment's slice first): each move checked where P has it.
            let commits = g.protector && sol.commit[s] > 0.0;
            let stays_out = !g.protector || sol.commit[s] + sol.restrain[s] < 1.0;
            for (name, u4, value, reached) in [
                ("P commits", yes, sol.p_commit[s], commits),
                ("P stays out", no, sol.p_stay[s], stays_out),
            ] {
                if reached {
                    check(
                        name,
                        &|u| {
                            u[0] = yes;
                            u[1] = yes;
                            u[2] = yes;
                            u[3] = us;
                            u[4] = u4
                        },
                        2,
                        value,
                        &mut rng,
                    );
                }
            }
            if g.restraint_weight > 0.0 && g.protector && sol.restrain[s] > 0.0 {
                // Restraint's slice of u_4 (after commit's): P's, T's and A's realised payoffs
                // are the restraint leaf's, which solve mixes into each one's node-4 value.
                let mid = sol.commit[s] + 0.5 * sol.restrain[s];
                for (who, expect) in [
                    (0, g.a_restrained(s).total()),
                    (1, g.t_restrained()),
                    (2, g.p_restrained()),
                ] {
                    check(
                        "P restrains",
                        &|u| {
                            u[0] = yes;
                            u[1] = yes;
                            u[2] = yes;
                            u[3] = us;
                            u[4] = mid
                        },
                        who,
                        expect,
                        &mut rng,
                    );
                }
            }
            for k in 0..2 {
                let uk = if k == 1 { yes } else { no };
                let branch = if k == 1 { commits } else { stays_out };
                // A uses force: `u_5` uniform on [0, P(force)), so that with the shock the
                // play falls in its partition as often as force follows each branch.
                let pi = g.shock_prob;
                let forced = if pi > 0.0 {
                    pi * sol.force_shocked[s][k] + (1.0 - pi) * sol.force[s][k]
                } else {
                    0.0
                };
                let forces = if pi > 0.0 { forced > 0.0 } else { sol.force[s][k] > 0.0 };
                if !branch || !forces {
                    continue;
                }
                check(
                    "A uses force",
                    &|u| {
                        u[0] = yes;
                        u[1] = yes;
                        u[2] = yes;
                        u[3] = us;
                        u[4] = uk;
                        u[5] *= forced
                    },
                    0,
                    {
                        // Force with the revealed cost (weight pi fh) or without it.
                        let (fh, f) = (sol.force_shocked[s][k], sol.force[s][k]);
                        let (wh, w) = (pi * fh, (1.0 - pi) * f);
                        let fa = sol.a_force[s][k].total();
                        (wh * (fa - g.shock_cost) + w * fa) / (wh + w)
                    },
                    &mut rng,
                );
                if g.moves_twice {
                    // Node 6: P fights or stays out at the casus foederis after its node-4
                    // move `k`; its realised payoff is the value it decides by.
                    let fights = g.protector && sol.fight[s][k] > 0.0;
                    let abstains = !g.protector || sol.fight[s][k] < 1.0;
                    for (name, uf, expect, reached) in [
                        ("P fights at the casus foederis", yes, sol.p_fight[s][k], fights),
                        ("P stays out at the casus foederis", no, sol.p_abstain[s][k], abstains),
                    ] {
                        if !reached {
                            continue;
                        }
                        check(
                            name,
                            &|u| {
                                u[0] = yes;
                                u[1] = yes;
                                u[2] = yes;
                                u[3] = us;
                                u[4] = uk;
                                u[5] = yes;
                                u[GAME_UNIFORMS] = uf
                            },
                            2,
                            expect,
                            &mut rng,
                        );
                    }
                }
            }
        }
        made.get()
    }

    /// A continuation-value check of [`consistent`]: its name, how it fixes the uniforms, whose
    /// payoff (0 A, 1 T, 2 P), the value the mover uses, the generator.
    type Check<'a> = dyn Fn(&str, &dyn Fn(&mut [f64; U]), usize, f64, &mut ChaCha8Rng) + 'a;

    /// The continuation-value checks of the display's subtree (sanctions state `s`, `us` its
    /// uniform) when P decides at the casus foederis: `u_4` partitioned, restraint first, then
    /// commitment; A's value of force is its expectation over P's decision, which it does not
    /// know, and P's values of committing and staying out are realised after A's force.
    fn consistent_at_attack(
        g: &GameInputs,
        sol: &Solution,
        s: usize,
        us: f64,
        check: &Check<'_>,
        rng: &mut ChaCha8Rng,
    ) {
        let (rho, c, pi) = (sol.restrain[s], sol.commit[s], g.shock_prob);
        assert_eq!(sol.force[s][0], sol.force[s][1], "A does not know P's decision");
        let (fh, f) = (sol.force_shocked[s][0], sol.force[s][0]);
        // `u_5` uniform on [0, P(force)): force with and without the revealed cost in
        // proportion.
        let forced = if pi > 0.0 { pi * fh + (1.0 - pi) * f } else { 0.0 };
        let at = |u: &mut [f64; U]| {
            u[0] = 0.0;
            u[1] = 0.0;
            u[2] = 0.0;
            u[3] = us;
        };
        let commit_slice = rho + 0.5 * (1.0 - rho) * c;
        check(
            "P commits at the casus foederis",
            &|u| {
                at(u);
                u[4] = commit_slice;
                u[5] *= forced
            },
            2,
            sol.p_commit[s],
            rng,
        );
        check(
            "P stays out at the casus foederis",
            &|u| {
                at(u);
                u[4] = 1.0 - 1e-12;
                u[5] *= forced
            },
            2,
            sol.p_stay[s],
            rng,
        );
        // A uses force not knowing P's decision: `u_4` uniform over the part of [0, 1) that
        // is not restraint.
        let mixed = |k: usize| sol.a_force[s][k].total();
        let fa = c * mixed(1) + (1.0 - c) * mixed(0);
        let (wh, w) = (pi * fh, (1.0 - pi) * f);
        check(
            "A uses force (P's decision unknown)",
            &|u| {
                at(u);
                u[4] = rho + (1.0 - rho) * u[4];
                u[5] *= forced
            },
            0,
            if pi > 0.0 {
                (wh * (fa - g.shock_cost) + w * fa) / (wh + w)
            } else {
                fa
            },
            rng,
        );
        check(
            "A backs down at node 5",
            &|u| {
                at(u);
                u[4] = rho + (1.0 - rho) * u[4];
                u[5] = 1.0 - 1e-12
            },
            0,
            sol.a_back_display[s].total(),
            rng,
        );
        if g.restraint_weight > 0.0 {
            for (who, expect) in [
                (0, g.a_restrained(s).total()),
                (1, g.t_restrained()),
                (2, g.p_restrained()),
            ] {
                check(
                    "P restrains",
                    &|u| {
                        at(u);
                        u[4] = 0.5 * rho
                    },
                    who,
                    expect,
                    rng,
                );
            }
        }
    }

    /// Strategic consistency when P moves twice ([`GameInputs::moves_twice`]): node 4's
    /// values average over node 6, A's value of force given P's node-4 move is its
    /// expectation over node 6, and node 6's values are the realised payoffs of fighting and
    /// staying out; with and without the revealed cost and restraint.
    #[test]
    fn continuation_values_equal_realised_payoffs_with_two_moves() {
        consistent(&twice(example()), 16);
        consistent(&twice(shocked()), 17);
        consistent(
            &twice(GameInputs {
                restraint_weight: 2.5,
                ..shocked()
            }),
            18,
        );
        // With the tripwire abandoned at the display: fighting at node 6 after staying out
        // at node 4 is realised with that tripwire's cost.
        consistent(&tripwire(twice(example())), 19);
        consistent(&tripwire(twice(shocked())), 20);
    }

    /// The tripwire abandoned at the display (`p_tripwire_display` `pw`; docs/MODEL.md 7.7)
    /// against its closed form. After P stayed out at node 4 (`k4` 0) node 6 is
    /// `logistic(beta_P ((UP_1 - pw) - UP_0))`: the tripwire is paid after force whether P
    /// fights or not, so the decision is the one of a P whose abandonment is only the rest,
    /// `p_abandon - pw` (recomputed from a game with that abandonment and no tripwire at the
    /// display); after a commitment (`k4` 1) node 6, A's force and P's value of committing
    /// are the two moves' without it, bit for bit; node 4 compares P's value of committing
    /// with its value of staying out, node 6 inside, `pw` paid only if A uses force. With
    /// one move (`moves_twice` false) `pw` is not read.
    #[test]
    fn the_tripwire_at_the_display_matches_its_closed_form() {
        let one = example();
        assert_eq!(solve(&tripwire(one)), solve(&one));
        let off = solve(&twice(one));
        let g = tripwire(twice(one));
        let pw = g.p_tripwire_display;
        assert!(pw > 0.0 && pw < g.p_abandon);
        let sol = solve(&g);
        // The same game with the treaty's part of the abandonment only.
        let treaty = twice(GameInputs {
            p_abandon: g.p_abandon - pw,
            ..one
        });
        let logistic = |x: f64| 1.0 / (1.0 + exp(-x));
        for s in 0..2 {
            let sanc = if s == 1 { 1.0 } else { g.sanction_prob };
            let (a_in, _, p_in) = g.use_of_force(1, sanc);
            let (a_o, _, p_o) = g.use_of_force(0, sanc);
            let (_, _, p_o_treaty) = treaty.use_of_force(0, sanc);
            // Node 6 after staying out: fighting pays the tripwire too, staying out the whole
            // abandonment; the decision is the treaty-only game's.
            let c6 = logistic(g.beta_p * ((p_in - pw) - p_o));
            assert!((sol.fight[s][0] - c6).abs() < 1e-15, "{s}: {} vs {c6}", sol.fight[s][0]);
            let c6_treaty = logistic(g.beta_p * (p_in - p_o_treaty));
            assert!((sol.fight[s][0] - c6_treaty).abs() < 1e-12, "{s}");
            assert_eq!(sol.p_fight[s][0], p_in - pw);
            assert_eq!(sol.p_abstain[s][0], p_o);
            // The tripwire no longer pulls P into a fight it declared itself out of.
            assert!(sol.fight[s][0] < off.fight[s][0], "{s}");
            // After a commitment: node 6, A's force and P's value the two moves' own.
            assert_eq!(sol.fight[s][1], off.fight[s][1]);
            assert_eq!(sol.p_fight[s][1], off.p_fight[s][1]);
            assert_eq!(sol.p_abstain[s][1], off.p_abstain[s][1]);
            assert_eq!(sol.force[s][1], off.force[s][1]);
            assert_eq!(sol.p_commit[s], off.p_commit[s]);
            // A's force after P stayed out: its expectation over node 6.
            let fa = c6 * a_in.total() + (1.0 - c6) * a_o.total();
            assert!((sol.a_force[s][0].total() - fa).abs() < 1e-12);
            let f = logistic(g.beta_a * (fa - g.a_back_display(s).total()));
            assert!((sol.force[s][0] - f).abs() < 1e-15);
            // P's value of staying out at node 4: the tripwire paid only after force.
            let up = f * (c6 * (p_in - pw) + (1.0 - c6) * p_o);
            assert!((sol.p_stay[s] - up).abs() < 1e-15, "{s}: {} vs {up}", sol.p_stay[s]);
            let c4 = logistic(g.beta_p * (sol.p_commit[s] - sol.p_stay[s]));
            assert!((sol.commit[s] - c4).abs() < 1e-15);
        }
        // beta -> infinity: P, which stayed out at the display and whose fight costs 1 more
        // than staying out with the whole abandonment 1.5 (fighting -(0.05 + 1), staying out
        // -1.5), fights at node 6 until the tripwire abandoned at the display exceeds 0.45;
        // after a commitment it fights whatever that tripwire (-1.05 against -(1.5 + 0.05 +
        // 0.3)).
        let node6 = |pw: f64| {
            solve(&strict(GameInputs {
                p_abandon: 1.5,
                p_force_cost: 1.0,
                p_war_cost: 1.0,
                p_value: 0.0,
                p_tripwire_display: pw,
                ..twice(example())
            }))
            .fight
        };
        assert_eq!(node6(0.0), [[1.0; 2]; 2]);
        assert_eq!(node6(0.44), [[1.0; 2]; 2]);
        assert_eq!(node6(0.46), [[0.0, 1.0]; 2]);
        assert_eq!(node6(1.5), [[0.0, 1.0]; 2]);
    }

    /// P's two moves against their closed form (docs/MODEL.md 7.7): node 6 after P's node-4
    /// move `k4` is `logistic(beta_P (UP_1 - UP_0 + k4 (c + r)))`, `UP_k` P's value of the use
    /// of force with move `k`; A's value of force given `k4` is the mix of its values by it;
    /// node 4 compares P's values of node 5 with node 6 inside; without the second move
    /// (`moves_twice` false) every field is the one-move game's bit for bit, whatever
    /// `p_renege`, and node 6 is not solved.
    #[test]
    fn two_moves_match_their_closed_form() {
        let one = example();
        assert!(!one.moves_twice && one.protector);
        let base = solve(&one);
        assert_eq!(solve(&GameInputs { p_renege: 0.7, ..one }), base);
        assert_eq!(base.fight, [[0.0; 2]; 2]);
        let g = twice(one);
        let sol = solve(&g);
        for s in 0..2 {
            let sanc = if s == 1 { 1.0 } else { g.sanction_prob };
            let (a_in, _, p_in) = g.use_of_force(1, sanc);
            let (a_o, _, p_o) = g.use_of_force(0, sanc);
            for k4 in 0..2 {
                let shift = k4 as f64 * (g.p_commit_cost + g.p_renege);
                let c6 = 1.0 / (1.0 + exp(-g.beta_p * (p_in - (p_o - shift))));
                assert!((sol.fight[s][k4] - c6).abs() < 1e-15, "{s} {k4}");
                assert_eq!(sol.p_fight[s][k4], p_in);
                assert_eq!(sol.p_abstain[s][k4], p_o - shift);
                let fa = c6 * a_in.total() + (1.0 - c6) * a_o.total();
                assert!((sol.a_force[s][k4].total() - fa).abs() < 1e-12);
                let f = 1.0 / (1.0 + exp(-g.beta_a * (fa - g.a_back_display(s).total())));
                assert!((sol.force[s][k4] - f).abs() < 1e-15);
                // P's value of its node-4 move: node 5 with node 6 inside.
                let up = f * (c6 * p_in + (1.0 - c6) * (p_o - shift))
                    + (1.0 - f) * g.p_back_end(k4);
                let want = if k4 == 1 { sol.p_commit[s] } else { sol.p_stay[s] };
                assert!((want - up).abs() < 1e-15, "{s} {k4}: {want} vs {up}");
            }
            let c4 = 1.0 / (1.0 + exp(-g.beta_p * (sol.p_commit[s] - sol.p_stay[s])));
            assert!((sol.commit[s] - c4).abs() < 1e-15);
            // A commitment binds: P fights likelier after committing than after staying out.
            assert!(sol.fight[s][1] > sol.fight[s][0], "{:?}", sol.fight);
        }
        // Without a protector node 6 is never reached.
        let none = solve(&GameInputs { protector: false, ..g });
        assert_eq!(none.fight, [[0.0; 2]; 2]);
        assert_eq!(none.commit, [0.0; 2]);
    }

    /// Strategic consistency when P decides at the casus foederis
    /// ([`GameInputs::commit_at_attack`]), with and without the revealed cost and restraint.
    #[test]
    fn continuation_values_equal_realised_payoffs_with_the_commitment_at_the_attack() {
        consistent(&at_attack(example()), 13);
        consistent(&at_attack(shocked()), 14);
        consistent(
            &at_attack(GameInputs {
                restraint_weight: 2.5,
                ..shocked()
            }),
            15,
        );
    }

    /// A's and P's expected values of the use of force by P's move `k`, with sanctions state
    /// `s` at the display, recomputed from the end payoffs (docs/MODEL.md 7.7): sanctioned by
    /// the end with probability 1 (`s` 1) or `sanction_prob`, war with `w_k`.
    fn force_values_at_attack(g: &GameInputs, s: usize) -> (impl Fn(usize) -> f64, impl Fn(usize) -> f64) {
        let sig = if s == 1 { 1.0 } else { g.sanction_prob };
        let fa = move |k: usize| {
            let end = |war: bool| {
                sig * g.a_force_end(k, war, true).total()
                    + (1.0 - sig) * g.a_force_end(k, war, false).total()
            };
            g.war[k] * end(true) + (1.0 - g.war[k]) * end(false)
        };
        let vp = move |k: usize| {
            g.war[k] * g.p_force_end(k, true) + (1.0 - g.war[k]) * g.p_force_end(k, false)
        };
        (fa, vp)
    }

    /// The commitment at the attack against its closed form (docs/MODEL.md 7.7): P commits
    /// after force with `c = logistic(beta_P (VP(1) - VP(0)))`, `VP(k)` its payoff of the use
    /// of force with `k`; A uses force with `logistic(beta_A (c FA(1) + (1 - c) FA(0) - BA))`
    /// whatever P then does; restraint (`a_R`) is the weighted two-action logit against P's
    /// value of letting play go on, `F (c VP(1) + (1 - c) VP(0))`; and the play partitions
    /// `u_4` (restraint, then commitment read only after force).
    #[test]
    fn the_commitment_at_the_attack_matches_its_closed_form() {
        let g = at_attack(GameInputs {
            restraint_weight: 0.7,
            p_restrain_cost: 0.02,
            ..example()
        });
        let sol = solve(&g);
        let logistic = |x: f64| 1.0 / (1.0 + exp(-x));
        for s in 0..2 {
            let (fa, vp) = force_values_at_attack(&g, s);
            let c = logistic(g.beta_p * (vp(1) - vp(0)));
            assert!((sol.commit[s] - c).abs() < 1e-14, "{} vs {c}", sol.commit[s]);
            let ba = g.a_back_display(s).total();
            let f = logistic(g.beta_a * (c * fa(1) + (1.0 - c) * fa(0) - ba));
            assert_eq!(sol.force[s], [sol.force[s][0]; 2]);
            assert!((sol.force[s][0] - f).abs() < 1e-14, "{} vs {f}", sol.force[s][0]);
            let go = f * (c * vp(1) + (1.0 - c) * vp(0));
            let r = 0.7 * exp(g.beta_p * g.p_restrained());
            let rho = r / (r + exp(g.beta_p * go));
            assert!((sol.restrain[s] - rho).abs() < 1e-14, "{} vs {rho}", sol.restrain[s]);
            // The play: u_4 below rho restrains; then (1 - rho) c commits, only after force.
            let mut u = [0.0; GAME_UNIFORMS];
            u[3] = if s == 1 { 0.0 } else { 1.0 - 1e-12 };
            u[4] = rho * (1.0 - 1e-9);
            let pl = play(&sol, &sol, &g, &u, 0.0);
            assert!(pl.restrained && pl.protector_moved && !pl.forced && !pl.committed);
            u[4] = rho + (1.0 - rho) * c * (1.0 - 1e-9);
            let pl = play(&sol, &sol, &g, &u, 0.0);
            assert!(!pl.restrained && pl.forced && pl.committed && pl.protector_moved);
            u[4] = rho + (1.0 - rho) * c * (1.0 + 1e-9);
            let pl = play(&sol, &sol, &g, &u, 0.0);
            assert!(pl.forced && !pl.committed && pl.protector_moved);
            // A backs down: P never moved.
            u[4] = rho + (1.0 - rho) * c * (1.0 - 1e-9);
            u[5] = 1.0 - 1e-12;
            let pl = play(&sol, &sol, &g, &u, 0.0);
            assert!(pl.displayed && !pl.forced && !pl.committed && !pl.protector_moved);
            assert_eq!(pl.sanctioned, s == 1);
        }
    }

    /// [`example`] with P deciding at the casus foederis and its resolve private: spread 0.3
    /// (a third of the way from P's indifference to its abandonment cost's size), A's belief
    /// `mu` that P is resolute.
    fn resolved(mu: f64) -> GameInputs {
        at_attack(GameInputs {
            resolve_spread: 0.3,
            resolve_belief: mu,
            ..example()
        })
    }

    /// The private resolve against its closed form (docs/MODEL.md 7.7): the posterior by
    /// Bayes from the joint of type and signal; each type's commitment `c_theta =
    /// logistic(beta_P (VP(1) - VP(0) + theta delta))` after force and after a fait accompli;
    /// A's expectation `cbar = mu c_+ + (1 - mu) c_-` in `commit[s]` (the real game's
    /// commitment given the signal) and in A's force; `delta` 0 bit for bit the switch's
    /// solution whatever the belief; `q` 1 the type's own `c_theta`; `q` 0.5 the mean of the
    /// two for both signals.
    #[test]
    fn the_private_resolve_matches_its_closed_form() {
        let logistic = |x: f64| 1.0 / (1.0 + exp(-x));
        // The posterior: P(resolute | signal) from the joint, prior 1/2, P(signal = type) = q.
        for q in [0.5, 0.6, 0.75, 0.9, 1.0] {
            for (signal, resolute_signal) in [(0.25, true), (0.75, false)] {
                let joint = |resolute: bool| {
                    0.5 * if resolute == resolute_signal { q } else { 1.0 - q }
                };
                let bayes = joint(true) / (joint(true) + joint(false));
                let mu = resolve_belief(q, signal);
                assert!((mu - bayes).abs() < 1e-15, "q {q}: {mu} vs {bayes}");
            }
            // P(resolute signal) = 1/2: the signal's uniform is split at 1/2.
            assert_eq!(resolve_belief(q, 0.5 - 1e-12), q);
            assert_eq!(resolve_belief(q, 0.5), 1.0 - q);
        }
        let g = resolved(0.8);
        let sol = solve(&g);
        let d = g.resolve_spread;
        for s in 0..2 {
            let (fa, vp) = force_values_at_attack(&g, s);
            let (c_plus, c_minus) = (
                logistic(g.beta_p * (vp(1) - vp(0) + d)),
                logistic(g.beta_p * (vp(1) - vp(0) - d)),
            );
            assert!(c_plus > c_minus + 0.1, "the spread separates the types");
            let ct = sol.commit_type[s];
            assert!((ct[1] - c_plus).abs() < 1e-14 && (ct[0] - c_minus).abs() < 1e-14);
            let cbar = 0.8 * c_plus + 0.2 * c_minus;
            assert!((sol.commit[s] - cbar).abs() < 1e-14, "{} vs {cbar}", sol.commit[s]);
            let ba = g.a_back_display(s).total();
            let f = logistic(g.beta_a * (cbar * fa(1) + (1.0 - cbar) * fa(0) - ba));
            assert!((sol.force[s][0] - f).abs() < 1e-14, "{} vs {f}", sol.force[s][0]);
        }
        // After a fait accompli: the types' logits of its own payoffs, mixed by the belief.
        let vpf = |k: usize| {
            g.fa.war[k] * g.p_fa_end(k, true) + (1.0 - g.fa.war[k]) * g.p_fa_end(k, false)
        };
        let cf = [-1.0, 1.0].map(|theta| logistic(g.beta_p * (vpf(1) - vpf(0) + theta * d)));
        assert!((sol.fa_commit - (0.8 * cf[1] + 0.2 * cf[0])).abs() < 1e-14);
        // delta 0: the switch's solution bit for bit, whatever the belief.
        let bits = |s: &Solution| format!("{s:?}");
        for mu in [0.0, 0.3, 0.9] {
            let off = GameInputs {
                resolve_spread: 0.0,
                ..resolved(mu)
            };
            assert_eq!(bits(&solve(&off)), bits(&solve(&at_attack(example()))));
        }
        // Not read without the switch, nor with restraint offered.
        let no_switch = GameInputs {
            commit_at_attack: false,
            ..resolved(0.9)
        };
        assert_eq!(bits(&solve(&no_switch)), bits(&solve(&example())));
        let with_restraint = GameInputs {
            restraint_weight: 0.7,
            p_restrain_cost: 0.02,
            ..resolved(0.9)
        };
        let plain_restraint = GameInputs {
            resolve_spread: 0.0,
            ..with_restraint
        };
        assert_eq!(bits(&solve(&with_restraint)), bits(&solve(&plain_restraint)));
        // q = 1: A knows the type, cbar is the type's own c_theta; q = 0.5: the mean for
        // both signals.
        let (q1_plus, q1_minus) = (
            solve(&resolved(resolve_belief(1.0, 0.25))),
            solve(&resolved(resolve_belief(1.0, 0.75))),
        );
        let (half_plus, half_minus) = (
            solve(&resolved(resolve_belief(0.5, 0.25))),
            solve(&resolved(resolve_belief(0.5, 0.75))),
        );
        for s in 0..2 {
            let ct = sol.commit_type[s];
            assert_eq!(q1_plus.commit[s], ct[1]);
            assert_eq!(q1_minus.commit[s], ct[0]);
            let mean = (ct[0] + ct[1]) / 2.0;
            assert!((half_plus.commit[s] - mean).abs() < 1e-15);
            assert!((half_minus.commit[s] - mean).abs() < 1e-15);
        }
    }

    /// [`solve`] with the resolve private is the backward pass of the generic tree with the
    /// type's chance node at P's decision (A's information set over the types: [`as_tree`]),
    /// for each signal; and A's and T's values before the signal, enumerated over the joint of
    /// type and signal (prior 1/2, the signal equal to the type with probability q), are the
    /// mean of the two signals' solutions.
    #[test]
    fn the_private_resolve_is_the_backward_pass_of_the_tree() {
        for (base, q) in [
            (example(), 0.75),
            (shocked(), 0.9),
            (
                GameInputs {
                    protector: false,
                    ..example()
                },
                0.6,
            ),
            (example(), 1.0),
        ] {
            let beta = [base.beta_a, base.beta_t, base.beta_p];
            let (mut tree_a, mut tree_t, mut solved_a, mut solved_t) = (0.0, 0.0, 0.0, 0.0);
            for resolute_signal in [true, false] {
                // The signal's probability and A's posterior, from the joint.
                let joint = |resolute: bool| {
                    0.5 * if resolute == resolute_signal { q } else { 1.0 - q }
                };
                let p_signal = joint(true) + joint(false);
                let g = at_attack(GameInputs {
                    resolve_spread: 0.4,
                    resolve_belief: joint(true) / p_signal,
                    ..base
                });
                assert!(g.private_resolve());
                let v = value(&as_tree(&g), beta);
                let gs = GameInputs {
                    resolve_belief: resolve_belief(q, if resolute_signal { 0.25 } else { 0.75 }),
                    ..g
                };
                let sol = solve(&gs);
                let (root_a, root_t) = root_values(&gs, &sol);
                assert!((v[0] - root_a).abs() < 1e-12, "{} vs {root_a}", v[0]);
                assert!((v[1] - root_t).abs() < 1e-12, "{} vs {root_t}", v[1]);
                tree_a += p_signal * v[0];
                tree_t += p_signal * v[1];
                solved_a += 0.5 * root_a;
                solved_t += 0.5 * root_t;
            }
            assert!((tree_a - solved_a).abs() < 1e-12 && (tree_t - solved_t).abs() < 1e-12);
        }
    }

    /// The play with the resolve private, over 400,000 plays per signal (fixed seed) down the
    /// display path (`u_3` drawing the sanctions state, `u_4` and `u_5` free): the frequency of
    /// commitment after force given the signal and the sanctions state is within the
    /// binomial 95% interval of `cbar`, read from `u_4` with no draw of the type; an explicit
    /// two-draw simulation on the same plays (the type from A's posterior, then commitment
    /// with the type's `c_theta`) is within the same interval, and within the 95% interval of
    /// the difference of the two. The selection (Smith 1995): with q 0.75 the honoured share
    /// at the casus foederis, counted with the explicit type drawn from its prior and the
    /// signal from the type, is below the mean commitment probability over crises (exact: the
    /// types' mean `(c_+ + c_-) / 2` weighted by the sanctions state) beyond its 95% interval;
    /// it equals its closed form `sum P(signal) P(s) F cbar / sum P(signal) P(s) F` within its
    /// 95% interval.
    #[test]
    fn the_private_resolve_plays_its_commitment_and_selects_the_attacks() {
        let q = 0.75;
        let base = at_attack(GameInputs {
            resolve_spread: 0.4,
            // A's force moves with its expectation of P's commitment.
            sanctions: 0.1,
            ..example()
        });
        let game = |signal: f64| GameInputs {
            resolve_belief: resolve_belief(q, signal),
            ..base
        };
        let sols = [solve(&game(0.25)), solve(&game(0.75))];
        let mut rng = ChaCha8Rng::seed_from_u64(27);
        let n = 400_000;
        let within = |k: f64, n: f64, p: f64| (k / n - p).abs() <= 1.96 * (p * (1.0 - p) / n).sqrt();
        // Per signal: commitment after force from `u_4` and from two explicit draws.
        for (i, signal) in [0.25, 0.75].into_iter().enumerate() {
            let (g, sol) = (game(signal), sols[i]);
            let mu = g.resolve_belief;
            let mut counts = [[0.0; 3]; 2];
            for _ in 0..n {
                let mut u = [0.0; GAME_UNIFORMS];
                for x in &mut u {
                    *x = rng.random::<f64>();
                }
                u[0] = 0.0;
                u[1] = 0.0;
                u[2] = 0.0;
                let pl = play(&sol, &sol, &g, &u, 0.0);
                assert!(pl.displayed);
                if !pl.forced {
                    continue;
                }
                let s = usize::from(pl.sanctioned_display);
                let resolute = rng.random::<f64>() < mu;
                let two_draws = rng.random::<f64>() < sol.commit_type[s][usize::from(resolute)];
                counts[s][0] += 1.0;
                counts[s][1] += f64::from(u8::from(pl.committed));
                counts[s][2] += f64::from(u8::from(two_draws));
            }
            for (s, &[m, k_play, k_two]) in counts.iter().enumerate() {
                let c = sol.commit[s];
                assert!(m > 10_000.0, "signal {signal}, s {s}: {m} uses of force");
                assert!(within(k_play, m, c), "play: {} vs {c} of {m}", k_play / m);
                assert!(within(k_two, m, c), "two draws: {} vs {c} of {m}", k_two / m);
                let se = (2.0 * c * (1.0 - c) / m).sqrt();
                assert!(((k_play - k_two) / m).abs() <= 1.96 * se);
            }
        }
        // The selection: type from its prior, signal from the type, play by A's belief.
        let (mut forced, mut honoured) = (0.0, 0.0);
        for _ in 0..n {
            let resolute = rng.random::<f64>() < 0.5;
            let truthful = rng.random::<f64>() < q;
            let i = usize::from(resolute != truthful);
            let (g, sol) = (game([0.25, 0.75][i]), sols[i]);
            let mut u = [0.0; GAME_UNIFORMS];
            for x in &mut u {
                *x = rng.random::<f64>();
            }
            u[0] = 0.0;
            u[1] = 0.0;
            u[2] = 0.0;
            let pl = play(&sol, &sol, &g, &u, 0.0);
            let s = usize::from(pl.sanctioned_display);
            let c_theta = sol.commit_type[s][usize::from(resolute)];
            if pl.forced {
                forced += 1.0;
                honoured += f64::from(u8::from(rng.random::<f64>() < c_theta));
            }
        }
        let share = honoured / forced;
        let share_se = (share * (1.0 - share) / forced).sqrt();
        // Closed form of the share: signal and sanctions state independent of each other.
        let (mut num, mut den) = (0.0, 0.0);
        for sol in &sols {
            for s in 0..2 {
                let ps = if s == 1 {
                    base.sanction_prob_display
                } else {
                    1.0 - base.sanction_prob_display
                };
                num += 0.5 * ps * sol.force[s][0] * sol.commit[s];
                den += 0.5 * ps * sol.force[s][0];
            }
        }
        let closed = num / den;
        assert!((share - closed).abs() <= 1.96 * share_se, "{share} vs {closed} ({share_se})");
        // The mean commitment probability over crises: the types' mean, whatever the signal.
        let prior_mean: f64 = (0..2)
            .map(|s| {
                let ps = if s == 1 {
                    base.sanction_prob_display
                } else {
                    1.0 - base.sanction_prob_display
                };
                ps * 0.5 * (sols[0].commit_type[s][0] + sols[0].commit_type[s][1])
            })
            .sum();
        assert!(
            share + 1.96 * share_se < prior_mean,
            "no selection: honoured share {share} (se {share_se}) vs mean commitment {prior_mean}"
        );
    }

    /// Strategic consistency with the resolve private, for both signals (the type-free values
    /// of committing and staying out: a type shifts only the cost of staying out, by `theta
    /// delta`, so each type's values are these shifted, and A's value of force is its
    /// expectation with `cbar`): the continuation values equal the realised payoffs.
    #[test]
    fn continuation_values_equal_realised_payoffs_with_the_private_resolve() {
        consistent(&resolved(0.75), 16);
        consistent(&resolved(0.25), 17);
        consistent(
            &GameInputs {
                resolve_belief: 0.1,
                ..at_attack(GameInputs {
                    resolve_spread: 0.5,
                    ..shocked()
                })
            },
            18,
        );
    }

    /// The domestic reward of a display is kept whatever follows (docs/MODEL.md 7.6): it is in
    /// every payoff after the display and in none before, so it leaves the use-of-force choice
    /// (both of its actions carry it) and P's choice exactly as they were, raises P(display),
    /// and adds exactly the reward to A's value of displaying and of every use of force.
    #[test]
    fn a_display_reward_makes_displays_likelier_and_leaves_the_force_choice() {
        let g = GameInputs {
            display_reward: 0.0,
            ..example()
        };
        let r = GameInputs {
            display_reward: 0.15,
            ..g
        };
        let (a, b) = (solve(&g), solve(&r));
        for s in 0..2 {
            for k in 0..2 {
                assert!((a.force[s][k] - b.force[s][k]).abs() < 1e-15);
                let gained = b.a_force[s][k].total() - a.a_force[s][k].total();
                assert!((gained - 0.15).abs() < 1e-12, "{gained}");
            }
            assert!((a.commit[s] - b.commit[s]).abs() < 1e-15);
        }
        let gained = b.a_display.total() - a.a_display.total();
        assert!((gained - 0.15).abs() < 1e-12, "{gained}");
        assert!(b.display > a.display, "{} vs {}", b.display, a.display);
        // (A's value of challenging need not rise: under logit noise the expected payoff of
        // a node can fall when its worse action improves and is chosen more often.)
        // Nothing before the display carries it.
        assert_eq!(r.a_back_threat(), g.a_back_threat());
        assert_eq!(r.a_conceded(), g.a_conceded());
    }

    /// Every decision responds to its own payoffs.
    #[test]
    fn decisions_respond_to_their_payoffs() {
        let g = example();
        let base = solve(&g);
        // T resists more when its stake (the loss of conceding) is higher, its cost of fighting
        // lower, and its protector likelier to commit.
        let s = solve(&GameInputs {
            t_concede: 2.0,
            ..g
        });
        assert!(s.resist > base.resist);
        let s = solve(&GameInputs {
            t_war_cost: [0.3, 0.2],
            t_force_cost: [0.1, 0.05],
            ..g
        });
        assert!(s.resist > base.resist);
        let s = solve(&GameInputs {
            p_abandon: 1.5,
            ..g
        });
        assert!(s.commit[0] > base.commit[0] && s.resist > base.resist);
        // After a fait accompli P commits more when abandoning the attacked ally costs it
        // more (the casus foederis), and that cost moves nothing on the threat's path; A
        // seizes less.
        let s = solve(&GameInputs {
            fa: FaitAccompli {
                p_abandon: 1.5,
                ..g.fa
            },
            ..g
        });
        assert!(s.fa_commit > base.fa_commit && s.fait_accompli < base.fait_accompli);
        assert_eq!((s.commit, s.resist, s.force), (base.commit, base.resist, base.force));
        // P commits less when fighting A is costlier for it.
        let s = solve(&GameInputs {
            p_war_cost: 1.5,
            p_force_cost: 0.5,
            ..g
        });
        assert!(s.commit[0] < base.commit[0]);
        // A challenges less when war with a committed protector costs more (punishment).
        let s = solve(&GameInputs {
            a_war_cost: [0.5, 3.0],
            ..g
        });
        assert!(s.challenge < base.challenge);
        // Doubling the sanctions cost doubles the sanctions term of every terminal payoff.
        let d = GameInputs {
            sanctions: 0.8,
            ..g
        };
        assert_eq!(
            d.a_back_display(1).economic - d.trade_dispute,
            2.0 * (g.a_back_display(1).economic - g.trade_dispute)
        );
        // A challenges less when a dispute short of force costs it more trade.
        let s = solve(&GameInputs {
            trade_dispute: 0.3,
            ..g
        });
        assert!(s.challenge < base.challenge);
    }

    /// Strategic consistency with alliance restraint offered at node 4 (`a_R` 0.7, and 2.5
    /// with the revealed cost of force): the continuation values T and A use for resisting and
    /// displaying carry P's restraint, and the realised payoffs match them.
    #[test]
    fn continuation_values_equal_realised_payoffs_with_restraint() {
        let g = restrained();
        let sol = solve(&g);
        assert!(sol.restrain.iter().all(|&r| r > 0.05 && r < 0.95), "{sol:?}");
        consistent(&g, 13);
        consistent(
            &GameInputs {
                restraint_weight: 2.5,
                ..shocked()
            },
            14,
        );
    }

    /// Node 4 with restraint against its closed form: P's three actions by the weighted
    /// multinomial logit `a_j exp(beta_P U_j) / sum_l a_l exp(beta_P U_l)`, `U_restrain =
    /// -p_restrain_cost`, `U_commit` and `U_out` P's node-5 values; A's value of the display
    /// and T's of resisting mix the restraint leaf in with its probability. `a_R = 0` is the
    /// two-action node bit for bit, whatever the cost, in the solution and in every play.
    #[test]
    fn restraint_at_node_4_matches_its_weighted_logit_and_zero_weight_is_bit_for_bit() {
        let g = restrained();
        let sol = solve(&g);
        let base = solve(&example());
        let (bp, ar, ur) = (g.beta_p, g.restraint_weight, -g.p_value - g.p_restrain_cost);
        let (mut da, mut dt) = (0.0, 0.0);
        for s in 0..2 {
            // Nothing after node 4 moves: P's node-5 values are the example's.
            assert_eq!(sol.p_commit[s], base.p_commit[s]);
            assert_eq!(sol.p_stay[s], base.p_stay[s]);
            assert_eq!(sol.force[s], base.force[s]);
            let e = [
                exp(bp * sol.p_stay[s]),
                exp(bp * sol.p_commit[s]),
                ar * exp(bp * ur),
            ];
            let sum = e[0] + e[1] + e[2];
            assert!((sol.commit[s] - e[1] / sum).abs() < 1e-14, "{s}");
            assert!((sol.restrain[s] - e[2] / sum).abs() < 1e-14, "{s}");
            // a_R multiplies restraint's odds against commit.
            let odds = sol.restrain[s] / sol.commit[s];
            let expect = ar * exp(bp * (ur - sol.p_commit[s]));
            assert!((odds / expect - 1.0).abs() < 1e-12, "{odds} vs {expect}");
            // A's and T's node-4 values, written from the example's node-5 values.
            let (c, rho) = (sol.commit[s], sol.restrain[s]);
            let va5 = |k: usize| {
                let f = base.force[s][k];
                f * base.a_force[s][k].total() + (1.0 - f) * base.a_back_display[s].total()
            };
            let a_r = g.value + g.display_reward - g.display_cost - s as f64 * g.sanctions
                - g.trade_dispute;
            let va4 = c * va5(1) + rho * a_r + (1.0 - c - rho) * va5(0);
            let ws = if s == 1 {
                g.sanction_prob_display
            } else {
                1.0 - g.sanction_prob_display
            };
            da += ws * va4;
            let vt5 = |k: usize| {
                let w = g.war[k];
                base.force[s][k] * (w * g.t_force_end(k, true) + (1.0 - w) * g.t_force_end(k, false))
            };
            dt += ws * (c * vt5(1) + rho * (-g.t_concede) + (1.0 - c - rho) * vt5(0));
        }
        assert!((sol.a_display.total() - da).abs() < 1e-13, "{} vs {da}", sol.a_display.total());
        assert!((sol.t_resist - sol.display * dt).abs() < 1e-13);
        // The display can now pay (T concedes under its protector's pressure): A displays more.
        assert!(sol.display > base.display, "{} vs {}", sol.display, base.display);
        // a_R = 0: the two-action node bit for bit, whatever the cost of restraint.
        for b in [example(), shocked(), GameInputs { protector: false, ..example() }] {
            let off = GameInputs {
                restraint_weight: 0.0,
                p_restrain_cost: 3.0,
                ..b
            };
            let (x, y) = (solve(&b), solve(&off));
            assert_eq!(x, y);
            assert_eq!(y.restrain, [0.0; 2]);
            let mut rng = ChaCha8Rng::seed_from_u64(15);
            for _ in 0..20_000 {
                let mut u = [0.0; GAME_UNIFORMS];
                for v in &mut u {
                    *v = rng.random::<f64>();
                }
                let pl = play(&y, &y, &off, &u, 0.0);
                assert!(!pl.restrained);
                assert_eq!(pl, play(&x, &x, &b, &u, 0.0));
            }
        }
        // Without a protector there is no node 4 and no restraint, whatever a_R.
        let none = solve(&GameInputs {
            protector: false,
            ..g
        });
        assert_eq!(
            none,
            solve(&GameInputs {
                protector: false,
                ..example()
            })
        );
    }

    /// beta -> infinity with restraint: subgame-perfect play; restraint is P's choice when
    /// its payoff (the issue's loss to P and the cost of pressing T) is the highest (a cheap
    /// restraint against a challenger that uses force when P stays out and a commitment that
    /// costs P more), and never when it is below either; beta = 0: 1/3 each at node 4.
    #[test]
    fn restraint_is_the_spe_choice_when_best_and_uniform_at_zero_rationality() {
        let check = |g: &GameInputs| {
            let sol = solve(g);
            let spe = value(&as_tree(g), [f64::INFINITY; 3]);
            let (root_a, root_t) = root_values(g, &sol);
            assert!((spe[0] - root_a).abs() < 1e-9, "{} vs {root_a}", spe[0]);
            assert!((spe[1] - root_t).abs() < 1e-9, "{} vs {root_t}", spe[1]);
            for q in all_choices(&sol, g) {
                assert!(q == 0.0 || q == 1.0, "{q}");
            }
            sol
        };
        // A dear restraint first (no ties: every choice strict, the tree's SPE values equal).
        let dear = strict(GameInputs {
            p_restrain_cost: 2.0,
            ..restrained()
        });
        let sol = check(&dear);
        for s in 0..2 {
            assert!(dear.p_restrained() < sol.p_stay[s].max(sol.p_commit[s]));
            assert_eq!(sol.restrain[s], 0.0, "{sol:?}");
        }
        // A cheap restraint: P's best action at node 4 for sure. T is then indifferent at
        // node 2 (resisting ends in the same concession, one rung later), so only node 4 and
        // the values below it are compared with the tree's subgame-perfect play.
        // (P values T's security little, so the issue's loss is small, and committing is dear.)
        let cheap = strict(GameInputs {
            p_restrain_cost: 0.01,
            p_value: 0.05,
            p_commit_cost: 0.3,
            ..restrained()
        });
        let sol = solve(&cheap);
        assert_eq!(sol.display, 1.0);
        assert!((sol.t_resist - sol.t_concede).abs() < 1e-12, "{sol:?}");
        for s in 0..2 {
            let best = sol.p_stay[s].max(sol.p_commit[s]);
            assert!(cheap.p_restrained() > best, "restraint is not P's best: {best}");
            assert_eq!((sol.restrain[s], sol.commit[s]), (1.0, 0.0), "{sol:?}");
        }
        // A's value of the display: the restraint leaf's, weighted by W's sanctions.
        let spe_display = (1.0 - cheap.sanction_prob_display) * cheap.a_restrained(0).total()
            + cheap.sanction_prob_display * cheap.a_restrained(1).total();
        assert!((sol.a_display.total() - spe_display).abs() < 1e-12);
        let Tree::Choose(_, kids) = as_tree(&cheap) else {
            unreachable!()
        };
        let Tree::Decide(_, _, resisted) = &kids[1] else {
            unreachable!()
        };
        let Tree::Decide(_, _, display) = &**resisted else {
            unreachable!()
        };
        let v = value(display, [f64::INFINITY; 3]);
        assert!((v[0] - spe_display).abs() < 1e-12, "{} vs {spe_display}", v[0]);
        // beta = 0: P's three actions 1/3 each (a_R = 1: no weight), A's and T's coin flips.
        let g = GameInputs {
            beta_a: 0.0,
            beta_t: 0.0,
            beta_p: 0.0,
            restraint_weight: 1.0,
            ..restrained()
        };
        let sol = solve(&g);
        for s in 0..2 {
            assert!((sol.commit[s] - 1.0 / 3.0).abs() < 1e-15, "{}", sol.commit[s]);
            assert!((sol.restrain[s] - 1.0 / 3.0).abs() < 1e-15, "{}", sol.restrain[s]);
        }
        assert_eq!((sol.resist, sol.display), (0.5, 0.5));
    }

    /// A move of probability 0 is never made, even on the uniform 0: each node's uniform
    /// partitions [0, 1) into half-open intervals, the first `p` of it the move (docs/MODEL.md
    /// 7). The play is walked node by node, every probability 1 up to the node and 0 from it,
    /// every uniform 0; sanctions and war have probability 0 throughout.
    #[test]
    fn a_move_of_probability_zero_is_never_made() {
        let g = GameInputs {
            sanction_prob: 0.0,
            sanction_prob_display: 0.0,
            war: [0.0; 2],
            fa: FaitAccompli {
                war: [0.0; 2],
                ..example().fa
            },
            ..example()
        };
        let u = [0.0; GAME_UNIFORMS];
        let course = |sol: &Solution, g: &GameInputs| play(sol, sol, g, &u, 0.0);
        // Neither a threat nor a fait accompli: the status quo.
        let none = Solution::default();
        assert_eq!(course(&none, &g), Play::default());
        // A fait accompli for sure: P does not commit, no sanctions, no war.
        let fa = Solution {
            fait_accompli: 1.0,
            ..none
        };
        let seized = Play {
            fait_accompli: true,
            forced: true,
            protector_moved: true,
            ..Play::default()
        };
        assert_eq!(course(&fa, &g), seized);
        // A threat for sure: T concedes.
        let threat = Solution {
            challenge: 1.0,
            ..none
        };
        let conceded = Play {
            challenged: true,
            ..Play::default()
        };
        assert_eq!(course(&threat, &g), conceded);
        // T resists for sure: A backs down without a display.
        let resist = Solution {
            resist: 1.0,
            ..threat
        };
        let resisted = Play {
            resisted: true,
            ..conceded
        };
        assert_eq!(course(&resist, &g), resisted);
        // A displays for sure: no sanctions, P neither commits nor restrains, A backs down.
        let display = Solution {
            display: 1.0,
            ..resist
        };
        let displayed = Play {
            displayed: true,
            protector_moved: true,
            ..resisted
        };
        assert_eq!(course(&display, &g), displayed);
        // P commits and A uses force for sure: no sanctions, no war; with a revealed cost
        // possible (pi 0.35) but A never using force when it is revealed, force is without it.
        let force = Solution {
            commit: [1.0; 2],
            force: [[1.0; 2]; 2],
            ..display
        };
        let forced = Play {
            committed: true,
            forced: true,
            ..displayed
        };
        assert_eq!(course(&force, &g), forced);
        let gs = GameInputs {
            shock_prob: 0.35,
            shock_cost: 0.6,
            ..g
        };
        assert_eq!(course(&force, &gs), forced);
        // War is certain once force is used, but A backs down: no force, so no war.
        let certain_war = GameInputs {
            war: [1.0; 2],
            ..g
        };
        let back = Solution {
            force: [[0.0; 2]; 2],
            ..force
        };
        assert_eq!(
            course(&back, &certain_war),
            Play {
                committed: true,
                ..displayed
            }
        );
    }

    /// A decides by the game it perceives (`seen`: its choice at nodes 1, 3 and 5), T and P
    /// by the real one (resistance at node 2, commitment at node 4): two solutions that
    /// disagree at every node, each uniform 0.5, take each node from its mover's game.
    #[test]
    fn a_decides_by_the_game_it_sees_and_t_and_p_by_the_real_one() {
        let g = GameInputs {
            sanction_prob: 0.0,
            sanction_prob_display: 0.0,
            war: [0.0; 2],
            ..example()
        };
        let u = [0.5; GAME_UNIFORMS];
        let seen = Solution {
            challenge: 0.7,
            display: 0.7,
            force: [[0.7; 2]; 2],
            ..Solution::default()
        };
        let real = Solution {
            resist: 0.7,
            commit: [0.7; 2],
            ..Solution::default()
        };
        let expect = Play {
            challenged: true,
            resisted: true,
            displayed: true,
            protector_moved: true,
            committed: true,
            forced: true,
            ..Play::default()
        };
        assert_eq!(play(&seen, &real, &g, &u, 0.0), expect);
        // The other way round: A sees no threat worth making.
        assert_eq!(play(&real, &seen, &g, &u, 0.0), Play::default());
        // Each node decided by the other player's game stops the play there.
        let no_display = Solution {
            display: 0.3,
            ..seen
        };
        let stopped = Play {
            challenged: true,
            resisted: true,
            ..Play::default()
        };
        assert_eq!(play(&no_display, &Solution { display: 0.7, ..real }, &g, &u, 0.0), stopped);
        let no_resist = Solution {
            resist: 0.3,
            ..real
        };
        let conceded = Play {
            challenged: true,
            ..Play::default()
        };
        assert_eq!(play(&Solution { resist: 0.7, ..seen }, &no_resist, &g, &u, 0.0), conceded);
    }
}
