//! Which impulse-response channel takes which audio channel where.
//!
//! - **Mono** response (1 channel): every audio channel through it, on its own.
//! - **Stereo** response (2 channels): channel 0 of the response on the left
//!   (even) channel, channel 1 on the right (odd) one.
//! - **True stereo** response (4 channels, in the order LL, LR, RL, RR: source
//!   then destination): the left input reaches the left output through LL and
//!   the right output through LR, the right input the left output through RL
//!   and the right output through RR.
//!
//! More than two audio channels are taken in pairs (0-1, 2-3, ...). A lone
//! channel (a mono bus, or the last of an odd count) hears a stereo or true
//! stereo response folded to mono: what the pair would give fed the same
//! signal on both sides and summed to mono, `(L + R) / 2`, that is `(c0 + c1)
//! / 2` for a stereo response and `(LL + LR + RL + RR) / 2` for a true stereo
//! one.

/// How a response's channels are routed, from their count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routing {
    Mono,
    Stereo,
    TrueStereo,
}

impl Routing {
    /// The routing of a response with `channels` channels (1, 2 or 4).
    pub fn of(channels: usize) -> Option<Self> {
        match channels {
            1 => Some(Self::Mono),
            2 => Some(Self::Stereo),
            4 => Some(Self::TrueStereo),
            _ => None,
        }
    }
}

/// One input channel through one response channel into one output channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Path {
    pub input: usize,
    pub output: usize,
    /// Index into the routed responses.
    pub response: usize,
}

/// The responses `audio` channels need (the file's channels, plus the mono
/// fold when a channel is alone) and the paths through them, sorted by
/// output channel.
pub fn route(response: &[Vec<f32>], audio: usize) -> (Vec<Vec<f32>>, Vec<Path>) {
    let routing = Routing::of(response.len()).unwrap_or(Routing::Mono);
    let pairs = audio / 2;
    let lone = audio % 2 == 1;
    let mut paths = Vec::new();
    let responses = match routing {
        Routing::Mono => {
            paths.extend((0..audio).map(|c| Path { input: c, output: c, response: 0 }));
            vec![response[0].clone()]
        }
        Routing::Stereo => {
            for pair in 0..pairs {
                let (l, r) = (2 * pair, 2 * pair + 1);
                paths.push(Path { input: l, output: l, response: 0 });
                paths.push(Path { input: r, output: r, response: 1 });
            }
            let mut responses = if pairs > 0 { response.to_vec() } else { Vec::new() };
            if lone {
                paths.push(Path { input: audio - 1, output: audio - 1, response: responses.len() });
                responses.push(fold(response));
            }
            responses
        }
        Routing::TrueStereo => {
            const LL: usize = 0;
            const LR: usize = 1;
            const RL: usize = 2;
            const RR: usize = 3;
            for pair in 0..pairs {
                let (l, r) = (2 * pair, 2 * pair + 1);
                paths.push(Path { input: l, output: l, response: LL });
                paths.push(Path { input: r, output: l, response: RL });
                paths.push(Path { input: l, output: r, response: LR });
                paths.push(Path { input: r, output: r, response: RR });
            }
            let mut responses = if pairs > 0 { response.to_vec() } else { Vec::new() };
            if lone {
                paths.push(Path { input: audio - 1, output: audio - 1, response: responses.len() });
                responses.push(fold(response));
            }
            responses
        }
    };
    paths.sort_by_key(|p| p.output);
    (responses, paths)
}

/// The channels summed and halved: a stereo pair fed one signal, summed to
/// mono (`(L + R) / 2` of both outputs).
fn fold(response: &[Vec<f32>]) -> Vec<f32> {
    let len = response.iter().map(Vec::len).max().unwrap_or(0);
    let mut folded = vec![0.0_f64; len];
    for channel in response {
        for (sum, tap) in folded.iter_mut().zip(channel) {
            *sum += f64::from(*tap);
        }
    }
    folded.into_iter().map(|sum| (sum * 0.5) as f32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn true_stereo_crosses_and_folds() {
        let response = vec![vec![1.0], vec![2.0], vec![4.0], vec![8.0]];
        let (responses, paths) = route(&response, 3);
        assert_eq!(responses.len(), 5);
        assert_eq!(responses[4], vec![7.5], "(1 + 2 + 4 + 8) / 2");
        let into = |o: usize| paths.iter().filter(|p| p.output == o).map(|p| (p.input, p.response)).collect::<Vec<_>>();
        assert_eq!(into(0), [(0, 0), (1, 2)], "left out: LL from the left, RL from the right");
        assert_eq!(into(1), [(0, 1), (1, 3)], "right out: LR from the left, RR from the right");
        assert_eq!(into(2), [(2, 4)], "the lone channel through the fold");
    }

    #[test]
    fn stereo_on_one_channel_is_the_mid() {
        let (responses, paths) = route(&[vec![1.0, 0.0], vec![0.0, 1.0]], 1);
        assert_eq!(responses, vec![vec![0.5, 0.5]]);
        assert_eq!(paths, vec![Path { input: 0, output: 0, response: 0 }]);
    }
}
