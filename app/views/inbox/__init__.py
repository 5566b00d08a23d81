"""The notification inbox: the status bar's bell and the dialog it opens."""
