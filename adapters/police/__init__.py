"""Police: domestic abuse incidents (Operation Encompass), missing episodes, restricted intelligence."""
