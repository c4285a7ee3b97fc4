"""pytest settings for the notebooks run under nbval (`make test`).

nbval waits only 5 seconds for a cell's outputs once the kernel has said the cell is done; on a
busy machine a long cell's last messages can take longer than that, and nbval then failed the cell
("Timeout of 5 seconds exceeded waiting for output") and skipped the rest of the notebook. The
wait is a fixed attribute of each cell item, so it is set here."""

OUTPUT_WAIT_S = 300


def pytest_collection_modifyitems(items):
    for item in items:
        if hasattr(item, "output_timeout"):   # nbval's IPyNbCell
            item.output_timeout = OUTPUT_WAIT_S
