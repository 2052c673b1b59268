"""The web service on Elastic Beanstalk: the component (`service`) and its option settings (`options`)."""
