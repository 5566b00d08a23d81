"""The desktop's sync screens: the status bar controller, Connect and Sync problems dialogs."""
