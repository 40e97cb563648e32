"""Bring your own CSV: validated like the curated file, kept in this session only, never saved.
"""

from __future__ import annotations

import streamlit as st

from dashboard import i18n
from dashboard import metrics as mx
from dashboard.data import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB, validate_upload
from dashboard.files import InvalidData, UnreadableFile
from dashboard.i18n import _, ngettext
from dashboard.problems import problems_frame
from dashboard.views import errors, safe_text, session_data


def _forget_upload() -> None:
    for key in (session_data.UPLOAD_ROWS, session_data.UPLOAD_FILE, session_data.UPLOAD_NAME, session_data.UPLOAD_DERIVED):
        st.session_state.pop(key, None)


def _upload_changed() -> None:
    # Only the visitor's own action changes the widget: removing the file forgets the upload. A
    # widget that comes back empty after a page switch triggers no change, so the upload stays.
    if st.session_state.get("upload") is None:
        _forget_upload()


def upload_section(dataset) -> None:
    """Bring your own CSV: validated like the curated file, kept for this session, never saved.

    Streamlit forgets a widget's file once its page is left; the validated rows live in the session
    state instead, so they stay while the visitor moves between pages, until removed or replaced."""
    file = st.file_uploader(
        _("Your metrics CSV (same columns as data/metrics.csv; at most {mb} MB ({size} bytes))").format(
            mb=MAX_UPLOAD_MB, size=i18n.format_number(MAX_UPLOAD_BYTES)),
        type=["csv"], key="upload", max_upload_size=MAX_UPLOAD_MB, on_change=_upload_changed,
    )
    if file is not None and st.session_state.get(session_data.UPLOAD_FILE) != file.file_id:
        _forget_upload()
        if not _validate_upload(file, dataset):
            return
    uploaded = st.session_state.get(session_data.UPLOAD_ROWS)
    if uploaded is None:
        return
    name, rows = safe_text.md(st.session_state[session_data.UPLOAD_NAME]), len(uploaded)
    unverified = int((uploaded[mx.PROVENANCE] == mx.USER_UNVERIFIED).sum())
    if file is None:
        st.info(
            ngettext("Still using {rows} row from {file}, added earlier in this session ({unverified} labelled "
                     "user-supplied, unverified). Upload another file to replace it, or remove it.",
                     "Still using {rows} rows from {file}, added earlier in this session ({unverified} labelled "
                     "user-supplied, unverified). Upload another file to replace it, or remove it.", rows).format(
                rows=rows, file=name, unverified=unverified), icon=":material/info:",
        )
        st.button(_("Remove my figures"), key="remove-upload", on_click=_forget_upload, icon=":material/delete:")
    else:
        st.success(
            ngettext("Added {rows} row from {file} for this session only; {unverified} of them are labelled "
                     "user-supplied, unverified (they name no shipped source). Nothing is saved on the server.",
                     "Added {rows} rows from {file} for this session only; {unverified} of them are labelled "
                     "user-supplied, unverified (they name no shipped source). Nothing is saved on the server.", rows).format(
                rows=rows, file=name, unverified=unverified),
            icon=":material/check_circle:",
        )


def _validate_upload(file, dataset) -> bool:
    """Validate the file and keep its rows in the session; show why not and return False if refused.

    The progress bar is also what stops the work for a visitor who has left (or uploaded again):
    each update goes through Streamlit's script runner, which raises its stop (or rerun) request
    there, between two validation steps."""
    progress = st.progress(0.0, text=_("Checking {file}").format(file=safe_text.md(file.name)))

    def checkpoint(done: float, step: str) -> None:
        progress.progress(done, text=f"{safe_text.md(file.name)}: {step}")

    try:
        rows = validate_upload(file.getvalue(), file.name, dataset.reference, checkpoint=checkpoint)
    except UnreadableFile as err:
        st.error(_("Not added: {reason}").format(reason=safe_text.md(err)), icon=":material/error:")
        return False
    except InvalidData as err:
        st.error(ngettext("Not added: {file} has {count} problem; fix it and upload again.",
                          "Not added: {file} has {count} problems; fix them and upload again.", len(err.problems)).format(
            file=safe_text.md(file.name), count=len(err.problems)), icon=":material/error:")
        st.dataframe(errors.translated_problems(problems_frame(err.problems)), hide_index=True, width="stretch")
        return False
    finally:
        progress.empty()
    st.session_state[session_data.UPLOAD_ROWS] = mx.enrich_observations(dataset, rows)
    st.session_state[session_data.UPLOAD_FILE] = file.file_id
    st.session_state[session_data.UPLOAD_NAME] = file.name
    return True
