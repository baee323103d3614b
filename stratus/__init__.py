"""The Stratus command line: the local platform, provisioning, invoking functions, inspecting queues."""
