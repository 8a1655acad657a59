"""Live stand-ins for the benchmark's organisations collected through APIs: a moto server for AWS and a local
server answering the GitHub REST API, seeded from a description the generator writes beside the answer key."""
