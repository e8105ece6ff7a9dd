"""Pressing a widget's button from inside the page, in the task that draws a given step or
epoch: a test process slowed by a busy machine cannot then let Play run on past that moment
(training-lab plays 100 epochs in about a second)."""

from __future__ import annotations

PRESS_WHEN_SHOWN = """(root, [readout, action, atLeast]) => {
    const shown = root.querySelector(`[data-kd-readout="${readout}"]`);
    const button = root.querySelector(`[data-kd-action="${action}"]`);
    window.kdPressed = undefined;
    const observer = new MutationObserver(() => {
        const value = Number(shown.getAttribute('data-value'));
        if (!(value >= atLeast)) return;
        observer.disconnect();
        const disabled = button.disabled; // a disabled button ignores click(): say so instead
        button.click();
        window.kdPressed = {at: value, disabled};
    });
    observer.observe(shown, {attributes: true, attributeFilter: ['data-value']});
}"""


def press_when_shown(page, root: str, readout: str, action: str, at_least: int) -> None:
    """Press `root`'s [data-kd-action=action] button once its [data-kd-readout=readout] shows a
    data-value ≥ at_least, right after that render (a MutationObserver). Call it before what
    makes the widget draw; pressed_at() then tells the value it was pressed at."""
    page.eval_on_selector(root, PRESS_WHEN_SHOWN, [readout, action, at_least])


def pressed_at(page, timeout: float = 120_000) -> int:
    """Wait until press_when_shown pressed its button; return the value shown then. Fails if the
    button was disabled."""
    page.wait_for_function("() => window.kdPressed !== undefined", timeout=timeout)
    pressed = page.evaluate("window.kdPressed")
    assert not pressed["disabled"], f"the button was disabled when pressed at {pressed['at']}"
    return int(pressed["at"])
