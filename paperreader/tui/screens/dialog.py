"""The dialogs' common base: a box centred over the dimmed main screen.

Their look is this class's CSS rather than the app's stylesheet: Textual parses a class's CSS when
the first instance is mounted, so launch (which shows no dialog) does not parse these rules (~3 ms
of the first frame). Not scoped: the rules name the dialogs' own classes, which only dialogs use.
"""

from __future__ import annotations

from textual.screen import ModalScreen, ScreenResultType


class Dialog(ModalScreen[ScreenResultType]):
    SCOPED_CSS = False
    DEFAULT_CSS = """
    .dialog-screen {
        align: center middle;
        background: $background 60%;
    }

    .dialog {
        width: 80%;
        max-width: 100;
        height: auto;
        max-height: 80%;
        padding: 1 2;
        background: $panel;
        border: thick $accent;
    }

    .dialog.editor {
        height: 80%;
    }

    .dialog.editor TextArea {
        height: 1fr;
    }

    .dialog.help {
        width: 96%;
        max-width: 110;
        height: 90%;
        max-height: 90%;
    }

    .help-section {
        margin-top: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }

    .dialog-title {
        margin-bottom: 1;
    }

    .dialog-hint {
        margin-top: 1;
    }

    .dialog OptionList {
        height: auto;
        max-height: 20;
    }

    .dialog-buttons {
        height: auto;
        margin-top: 1;
        align: center middle;
    }

    .dialog-buttons Button {
        margin: 0 2;
    }

    /* The note editor's status line and the note dialogs (note_editor.py, note_dialogs.py). */
    .choice-details {
        height: auto;
        max-height: 16;
        margin-top: 1;
    }

    #note-status {
        height: auto;
    }

    #note-status.-error {
        color: $error;
        text-style: bold;
    }
    """
