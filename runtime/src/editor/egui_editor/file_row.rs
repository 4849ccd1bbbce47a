//! The generic editor's row for a plugin that plays from a file (a
//! convolver's impulse response, [`crate::plugin::FileSlot`]): a path field
//! with Load (or Enter), a menu of the WAVE files in the field's folder,
//! Built-in, and a line saying what plays, what is loading, or why a file
//! could not be used. Loading happens on the slot's own thread: nothing here
//! waits for it, and the watcher redraws when the status changes.

use std::path::{Path, PathBuf};

use egui::{Align, Color32, ComboBox, Layout, RichText, TextEdit, Ui};

use crate::plugin::FileSlot;

/// The row's height, in logical pixels (two lines and margins).
pub(super) const HEIGHT: f32 = 60.0;

/// WAVE files listed in the menu at most.
const LISTED: usize = 200;

/// Draws the row for `file` into `ui`.
pub(super) fn draw(ui: &mut Ui, file: &dyn FileSlot) {
    let id = ui.make_persistent_id("writeahead-file-path");
    // The path being typed lives in egui's memory, starting at the chosen
    // file (or empty for the built-in one).
    let mut typed: String = ui.data_mut(|d| d.get_temp(id)).unwrap_or_else(|| file.chosen().unwrap_or_default());
    ui.horizontal(|ui| {
        ui.label(RichText::new(file.title()).strong());
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if ui.button("Built-in").on_hover_text(format!("Play {} again", file.built_in())).clicked() {
                typed.clear();
                file.choose(None);
            }
            if let Some(picked) = folder_menu(ui, &typed) {
                typed = picked;
                file.choose(Some(&typed));
            }
            let load = ui.button("Load").on_hover_text("Read this file and switch to it while playing");
            let field = ui.add(
                TextEdit::singleline(&mut typed).hint_text("/path/to/response.wav").desired_width(ui.available_width()),
            );
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (load.clicked() || entered) && !typed.trim().is_empty() {
                file.choose(Some(typed.trim()));
            }
        });
    });
    ui.data_mut(|d| d.insert_temp(id, typed));
    let status = file.status();
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("Playing: {}", status.playing)).weak());
        if let Some(loading) = &status.loading {
            ui.label(RichText::new(format!("· loading {loading}…")).weak());
        }
        if let Some(error) = &status.error {
            ui.label(RichText::new(format!("· could not load {error}")).color(Color32::from_rgb(0xe0, 0x60, 0x50)));
        }
    });
}

/// A menu of the WAVE files next to `typed` (in it, if it is a folder);
/// returns the one picked. The folder is read only while the menu is open.
fn folder_menu(ui: &mut Ui, typed: &str) -> Option<String> {
    let folder = folder_of(typed)?;
    let mut picked = None;
    ComboBox::from_id_salt("writeahead-file-folder").selected_text("Folder").width(80.0).show_ui(ui, |ui| {
        let files = wav_files(&folder);
        if files.is_empty() {
            ui.label(RichText::new("no .wav files here").weak());
        }
        for path in files {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if ui.selectable_label(false, name).clicked() {
                picked = Some(path.to_string_lossy().into_owned());
            }
        }
    });
    picked
}

/// The folder a typed path names or is in, if it is an absolute one.
fn folder_of(typed: &str) -> Option<PathBuf> {
    let path = Path::new(typed.trim());
    if !path.is_absolute() {
        return None;
    }
    if path.is_dir() { Some(path.to_path_buf()) } else { path.parent().map(Path::to_path_buf) }
}

/// The `.wav` files in `folder`, by name.
fn wav_files(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e.eq_ignore_ascii_case("wav")) && path.is_file())
        .take(LISTED)
        .collect();
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_lists_the_wave_files_of_the_typed_folder() {
        let dir = std::env::temp_dir().join(format!("writeahead-file-row-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["b.wav", "a.WAV", "notes.txt"] {
            std::fs::write(dir.join(name), b"").unwrap();
        }
        let typed = dir.join("b.wav").to_string_lossy().into_owned();
        assert_eq!(folder_of(&typed), Some(dir.clone()));
        assert_eq!(folder_of(&dir.to_string_lossy()), Some(dir.clone()));
        assert_eq!(folder_of("irs/hall.wav"), None, "a relative path names no folder the editor knows");
        let names: Vec<_> = wav_files(&dir).iter().map(|p| p.file_name().unwrap().to_owned()).collect();
        assert_eq!(names, ["a.WAV", "b.wav"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
