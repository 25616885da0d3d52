"""YAML options of the plugin (found by riskforge through ``pkg://riskforge_flowshape.conf``)."""
