"""The numpy core, shipped to the browser as a wheel: maths and widget state functions."""
