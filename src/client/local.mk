# Rules for the AWS client (src/client/, examples/ programs use it) and its tests.
