"""In-memory fakes of the ports domain modules depend on (shared.ports): unit tests of domain logic run
on them, without moto. Each fake keeps the guarantees its port promises (conditions decided by the store,
events staged with the write that causes them), so a test on a fake means what it says."""
