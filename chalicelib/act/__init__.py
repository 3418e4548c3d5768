"""Acting on a verdict: the policy table, the pipeline that runs each action once, the Graph client and alert emails."""
