from tests.pubsub import pubsub_emulator, pubsub_topic  # noqa: F401 - fixtures for any test module
