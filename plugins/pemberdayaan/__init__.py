"""pemberdayaan sosial (PP 39/2012): the plugin's face — being built (issue 5)."""
