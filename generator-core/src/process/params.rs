//! `--param ID=VALUE` against the parameters the loaded plugin lists: the ID
//! is a parameter's id, its plugins.toml name or its title; the VALUE a
//! plain value inside its range. Every problem is reported at once.

/// One parameter the plugin lists.
#[derive(Debug, Clone)]
pub struct Known {
    pub id: u32,
    pub title: String,
    pub units: String,
    pub min: f64,
    pub max: f64,
    /// Its name in plugins.toml, when the plugin is one of the file's.
    pub key: Option<String>,
    pub read_only: bool,
}

impl Known {
    fn describe(&self) -> String {
        let name = self.key.as_deref().unwrap_or(&self.title);
        let units = if self.units.is_empty() { String::new() } else { format!(" {}", self.units) };
        format!("{name} ({}, id {}: {} to {}{units})", self.title, self.id, self.min, self.max)
    }
}

/// `(id, plain value)` for each `(id or name, value)` typed, in order.
pub fn resolve(typed: &[(String, String)], known: &[Known], plugin: &str) -> Result<Vec<(u32, f64)>, String> {
    let mut problems = Vec::new();
    let mut resolved = Vec::new();
    for (name, value) in typed {
        let found = known.iter().filter(|p| !p.read_only).find(|p| {
            p.key.as_deref() == Some(name.as_str())
                || p.title.eq_ignore_ascii_case(name)
                || name.parse::<u32>().is_ok_and(|id| id == p.id)
        });
        let Some(param) = found else {
            problems.push(format!("{plugin} has no parameter `{name}`"));
            continue;
        };
        let number = value.parse::<f64>().ok().filter(|v| v.is_finite());
        let (low, high) = (param.min.min(param.max), param.min.max(param.max));
        match number {
            Some(v) if (low..=high).contains(&v) => resolved.push((param.id, v)),
            _ => problems.push(format!("--param {name}={value}: {} takes {low} to {high}", param.title)),
        }
    }
    if problems.is_empty() {
        return Ok(resolved);
    }
    let listed: Vec<String> = known.iter().filter(|p| !p.read_only).map(Known::describe).collect();
    Err(format!("{}\n  its parameters: {}", problems.join("\n  "), listed.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gain() -> Vec<Known> {
        vec![
            Known {
                id: 0,
                title: "Gain".into(),
                units: "dB".into(),
                min: -60.0,
                max: 24.0,
                key: Some("gain".into()),
                read_only: false,
            },
            Known {
                id: 7,
                title: "Bypass".into(),
                units: String::new(),
                min: 0.0,
                max: 1.0,
                key: None,
                read_only: false,
            },
            Known {
                id: 9,
                title: "Meter".into(),
                units: String::new(),
                min: 0.0,
                max: 1.0,
                key: None,
                read_only: true,
            },
        ]
    }

    fn typed(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn a_parameter_is_found_by_name_title_or_id() {
        let set = resolve(&typed(&[("gain", "-6"), ("bypass", "1"), ("0", "3")]), &gain(), "WA Gain").unwrap();
        assert_eq!(set, [(0, -6.0), (7, 1.0), (0, 3.0)]);
    }

    #[test]
    fn unknown_names_and_values_out_of_range_are_all_reported() {
        let problem =
            resolve(&typed(&[("gian", "1"), ("gain", "30"), ("gain", "loud"), ("meter", "1")]), &gain(), "WA Gain")
                .unwrap_err();
        assert!(problem.contains("WA Gain has no parameter `gian`"), "{problem}");
        assert!(problem.contains("--param gain=30: Gain takes -60 to 24"), "{problem}");
        assert!(problem.contains("--param gain=loud: Gain takes -60 to 24"), "{problem}");
        assert!(problem.contains("WA Gain has no parameter `meter`"), "{problem}");
        assert!(
            problem.contains("its parameters: gain (Gain, id 0: -60 to 24 dB), Bypass (Bypass, id 7: 0 to 1)"),
            "{problem}"
        );
    }
}
